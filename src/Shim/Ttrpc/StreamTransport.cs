namespace AotShim.Shim.Ttrpc;

/// <summary>A duplex stream, e.g. a virtio-serial port opened read-write; disposing closes it unless left open.</summary>
internal sealed class StreamTransport(Stream stream, bool leaveOpen) : ITtrpcTransport
{
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct) => stream.ReadAsync(buffer, ct);

    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct)
    {
        await stream.WriteAsync(buffer, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
        return buffer.Length;
    }

    public void Dispose()
    {
        if (!leaveOpen)
        {
            stream.Dispose();
        }
    }
}
