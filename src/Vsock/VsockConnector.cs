using System.Net.Sockets;
using AotShim.Native;

namespace AotShim.Vsock;

/// <summary>Connects to a guest's vsock port (vsock://CID:PORT), as the shim dials the kata agent.</summary>
public static class VsockConnector
{
    /// <summary>One attempt, bounded by <paramref name="timeout"/>; the blocking connect runs off the caller's thread.</summary>
    public static async ValueTask<Socket> ConnectAsync(uint cid, uint port, TimeSpan timeout, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return await Task.Run(() => VsockSockets.Connect(cid, port, timeout), ct).ConfigureAwait(false);
    }
}
