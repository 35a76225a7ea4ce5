using AotShim.Shim.Ttrpc;
using Microsoft.Win32.SafeHandles;

namespace AotShim.GuestAgent.Transport;

/// <summary>
/// The virtio-serial port named agent.channel.0, opened once read-write and kept open (what the host writes
/// while it is closed is lost). Each host connection to the chardev is one TTRPC connection over the same fd:
/// while no host end is connected reads return end of file at once, so the agent waits briefly and serves
/// again, and a host that disconnects and reconnects simply gets a new connection.
/// </summary>
internal sealed class SerialAgentPort(SafeFileHandle port, string path)
{
    public const string Name = "agent.channel.0";
    private const string PortsDirectory = "/sys/class/virtio-ports";
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(30);

    public string Path { get; } = path;

    /// <summary>Waits up to <paramref name="wait"/> for the port to appear (names arrive asynchronously), then opens it.</summary>
    public static async Task<SerialAgentPort?> OpenAsync(TimeSpan wait)
    {
        DateTime deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (Find() is { } path && File.Exists(path))
            {
                return new SerialAgentPort(File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite), path);
            }

            if (DateTime.UtcNow > deadline)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
        }
    }

    public async Task ServeAsync(TtrpcServer server, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            // The connection's stream must not close the port: it borrows the fd.
            var stream = new FileStream(new SafeFileHandle(port.DangerousGetHandle(), ownsHandle: false), FileAccess.ReadWrite, bufferSize: 0);
            await server.ServeConnectionAsync(stream).ConfigureAwait(false);
            await Task.Delay(IdlePoll, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>/dev/vportNpM of the port named agent.channel.0, or null while the host has not announced it.</summary>
    private static string? Find()
    {
        if (!Directory.Exists(PortsDirectory))
        {
            return null;
        }

        foreach (string port in Directory.EnumerateDirectories(PortsDirectory))
        {
            string name = System.IO.Path.Combine(port, "name");
            if (File.Exists(name) && File.ReadAllText(name).Trim() == Name)
            {
                return "/dev/" + System.IO.Path.GetFileName(port);
            }
        }

        return null;
    }
}
