using System.Net.Sockets;
using AotShim.Native;

namespace AotShim.Vsock;

/// <summary>An AF_VSOCK listener (the guest agent's side of vsock://CID:1024).</summary>
public sealed class VsockListener : IDisposable
{
    // accept(2) on a blocking socket cannot be woken by cancellation; a poll this short keeps it responsive.
    private const int PollMilliseconds = 100;

    private readonly Socket _socket;

    private VsockListener(Socket socket, uint port)
    {
        _socket = socket;
        Port = port;
    }

    public uint Port { get; }

    public static VsockListener Listen(uint port, int backlog = 16) => new(VsockSockets.Listen(port, backlog), port);

    /// <summary>Waits for the next connection on a thread of its own, looking at <paramref name="ct"/> between short polls.</summary>
    public Task<Socket> AcceptAsync(CancellationToken ct) =>
        Task.Factory.StartNew(() =>
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (VsockSockets.Accept(_socket, PollMilliseconds) is { } accepted)
                {
                    return accepted;
                }
            }
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public void Dispose() => _socket.Dispose();
}
