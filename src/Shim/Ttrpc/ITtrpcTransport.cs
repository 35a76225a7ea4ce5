namespace AotShim.Shim.Ttrpc;

/// <summary>The byte stream under one TTRPC connection: a socket (unix, vsock), or a stream such as a virtio-serial port.</summary>
internal interface ITtrpcTransport : IDisposable
{
    /// <summary>Reads what is available into <paramref name="buffer"/>; 0 means the peer ended the stream.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct);

    /// <summary>Writes some or all of <paramref name="buffer"/> and returns how much.</summary>
    ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct);
}
