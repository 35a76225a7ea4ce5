using System.Net.Sockets;

namespace AotShim.Shim.Ttrpc;

/// <summary>A connected stream socket; disposing closes it.</summary>
internal sealed class SocketTransport(Socket socket) : ITtrpcTransport
{
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct) => socket.ReceiveAsync(buffer, SocketFlags.None, ct);

    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct) => socket.SendAsync(buffer, SocketFlags.None, ct);

    public void Dispose() => socket.Dispose();
}
