using System.Net.Sockets;
using System.Text;

namespace AotShim.Shim.Bootstrap;

/// <summary>
/// The system log (syslog's /dev/log datagram socket, RFC 3164 framing) that kata's enable_debug sends shim logs to.
/// A host without a syslog daemon has no socket: messages are then dropped, as the C library's syslog() does.
/// </summary>
public sealed class SystemLog : IDisposable
{
    public const string DefaultSocket = "/dev/log";

    // Facility daemon (3) * 8.
    private const int Daemon = 24;

    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _target;
    private readonly string _tag;

    public SystemLog(string tag, string socketPath = DefaultSocket)
    {
        _tag = $"{tag}[{Environment.ProcessId}]";
        _target = new UnixDomainSocketEndPoint(socketPath);
    }

    /// <summary>level: error, warning, info or debug, mapped to syslog severities 3, 4, 6 and 7.</summary>
    public void Write(string level, string message)
    {
        int severity = level switch { "error" => 3, "warning" => 4, "info" => 6, _ => 7 };
        byte[] datagram = Encoding.UTF8.GetBytes($"<{Daemon + severity}>{_tag}: {message}");
        try
        {
            _socket.SendTo(datagram, _target);
        }
        catch (SocketException)
        {
            // No syslog daemon, or it is gone: the bundle's log still has the line.
        }
    }

    public void Dispose() => _socket.Dispose();
}
