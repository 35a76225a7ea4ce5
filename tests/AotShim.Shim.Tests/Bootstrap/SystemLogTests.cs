using System.Net.Sockets;
using System.Text;
using AotShim.Shim.Bootstrap;

namespace AotShim.Shim.Tests.Bootstrap;

/// <summary>enable_debug's system log, against a datagram socket standing in for syslog's /dev/log.</summary>
public sealed class SystemLogTests
{
    [Fact]
    public void A_line_reaches_the_syslog_socket_with_the_daemon_facility_the_severity_and_the_tag()
    {
        using var temp = new TempDirectory();
        using Socket syslog = Listen(Path.Combine(temp.Path, "log"));
        using var log = new SystemLog("containerd-shim-ecr-v2", Path.Combine(temp.Path, "log"));

        log.Write("warning", "agent slow");

        Assert.Equal($"<28>containerd-shim-ecr-v2[{Environment.ProcessId}]: agent slow", Receive(syslog));
    }

    [Fact]
    public void Once_enabled_the_shim_log_also_writes_to_the_system_log_even_without_containerd_reading()
    {
        using var temp = new TempDirectory();
        using Socket syslog = Listen(Path.Combine(temp.Path, "log"));
        using ShimLog shimLog = ShimLog.Open(temp.Path);

        shimLog.Write("info", "before");
        shimLog.AlsoToSystemLog(new SystemLog("shim", Path.Combine(temp.Path, "log")));
        shimLog.Write("info", "after");

        Assert.Equal($"<30>shim[{Environment.ProcessId}]: after", Receive(syslog));
    }

    [Fact]
    public void A_host_without_syslog_drops_the_line_quietly()
    {
        using var log = new SystemLog("shim", Path.Combine(Path.GetTempPath(), "no-syslog-" + Guid.NewGuid().ToString("N")));

        log.Write("error", "nobody listens");
    }

    private static Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    private static string Receive(Socket socket)
    {
        byte[] buffer = new byte[512];
        int length = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
