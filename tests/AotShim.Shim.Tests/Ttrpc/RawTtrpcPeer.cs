using System.Buffers.Binary;
using System.Net.Sockets;
using AotShim.Shim.Ttrpc.Protocol;
using Google.Protobuf;

namespace AotShim.Shim.Tests.Ttrpc;

/// <summary>A hand-driven end of a TTRPC connection: it writes exactly the bytes a test gives it and reads frames byte by byte.</summary>
internal sealed class RawTtrpcPeer(Socket socket) : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public static async Task<RawTtrpcPeer> ConnectAsync(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), TestContext.Current.CancellationToken);
        return new RawTtrpcPeer(socket);
    }

    /// <summary>A ttrpc.Request envelope, encoded by Google.Protobuf from the project's own ttrpc proto.</summary>
    public static byte[] RequestEnvelope(string service, string method, IMessage payload, long timeoutNano = 0, params (string Key, string Value)[] metadata)
    {
        var request = new Request { Service = service, Method = method, Payload = payload.ToByteString(), TimeoutNano = timeoutNano };
        foreach ((string key, string value) in metadata)
        {
            request.Metadata.Add(new KeyValue { Key = key, Value = value });
        }

        return request.ToByteArray();
    }

    public Task SendAsync(byte[] bytes) =>
        socket.SendAsync(bytes, SocketFlags.None, TestContext.Current.CancellationToken).AsTask();

    public Task SendFrameAsync(uint streamId, byte type, byte[] payload) => SendAsync(new RawFrame(streamId, type, 0, payload).ToBytes());

    /// <summary>One byte per send, each its own segment on the other side.</summary>
    public async Task SendByteByByteAsync(byte[] bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            await socket.SendAsync(bytes.AsMemory(i, 1), SocketFlags.None, TestContext.Current.CancellationToken);
            await Task.Yield();
        }
    }

    public async Task<RawFrame> ReceiveFrameAsync()
    {
        byte[] header = await ReceiveExactlyAsync(10);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        byte[] payload = await ReceiveExactlyAsync((int)length);
        return new RawFrame(BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)), header[8], header[9], payload);
    }

    /// <summary>The raw bytes of the next frame, header included.</summary>
    public async Task<byte[]> ReceiveFrameBytesAsync() => (await ReceiveFrameAsync()).ToBytes();

    /// <summary>True when the other side closed the connection (end of stream or reset) within the read timeout.</summary>
    public async Task<bool> ClosedByPeerAsync()
    {
        var one = new byte[1];
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(ReadTimeout);
            return await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>Ends our side of the stream, as a peer does that closes in the middle of a frame.</summary>
    public void ShutdownSend() => socket.Shutdown(SocketShutdown.Send);

    public void Dispose() => socket.Dispose();

    private async Task<byte[]> ReceiveExactlyAsync(int count)
    {
        var buffer = new byte[count];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(ReadTimeout);
        for (int read = 0; read < count;)
        {
            int received = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            if (received == 0)
            {
                throw new EndOfStreamException($"the peer closed the connection after {read} of {count} bytes");
            }

            read += received;
        }

        return buffer;
    }
}
