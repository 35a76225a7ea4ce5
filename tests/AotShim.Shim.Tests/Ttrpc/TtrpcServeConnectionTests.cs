using System.Net.Sockets;
using AotShim.Shim.Ttrpc;
using Containerd.Task.V2;

namespace AotShim.Shim.Tests.Ttrpc;

/// <summary>Serving one connection the server did not accept: a vsock connection, or a virtio-serial port as a stream.</summary>
public sealed class TtrpcServeConnectionTests
{
    private const string Service = TtrpcHarness.TaskService;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_connected_socket_is_served_until_the_peer_closes_it()
    {
        await using TtrpcServer server = NewServer();
        (Socket ours, Socket theirs) = SocketPair();
        Task served = server.ServeConnectionAsync(ours);

        await using (var client = new TtrpcClient(theirs, "pair"))
        {
            StateResponse state = await client.CallAsync(Service, "State", new StateRequest { Id = "c1" }, StateResponse.Parser, ct: Ct);
            Assert.Equal(("c1", 7u), (state.Id, state.Pid));
        }

        await served.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task A_stream_left_open_outlives_its_connection_and_serves_the_next_one()
    {
        await using TtrpcServer server = NewServer();
        (Socket ours, Socket theirs) = SocketPair();
        await using var port = new CountingStream(new NetworkStream(ours, ownsSocket: true));

        Task first = server.ServeConnectionAsync(port, leaveOpen: true);
        await using (var client = new TtrpcClient(theirs, "pair"))
        {
            await client.CallAsync(Service, "State", new StateRequest { Id = "first" }, StateResponse.Parser, ct: Ct);
            theirs.Shutdown(SocketShutdown.Send);
            await first.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }

        Assert.Equal(0, port.Disposals);
    }

    [Fact]
    public async Task A_stream_not_left_open_is_closed_when_its_connection_ends()
    {
        await using TtrpcServer server = NewServer();
        (Socket ours, Socket theirs) = SocketPair();
        var port = new CountingStream(new NetworkStream(ours, ownsSocket: true));

        Task served = server.ServeConnectionAsync(port);
        theirs.Dispose();
        await served.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(1, port.Disposals);
    }

    [Fact]
    public async Task A_server_shut_down_refuses_new_connections()
    {
        TtrpcServer server = NewServer();
        await server.ShutdownAsync(Ct);
        (Socket ours, Socket theirs) = SocketPair();
        using (theirs)
        {
            Assert.Throws<InvalidOperationException>(() => { _ = server.ServeConnectionAsync(ours); });
            Assert.Throws<ObjectDisposedException>(() => ours.Send([1]));
        }
    }

    private static TtrpcServer NewServer()
    {
        var server = new TtrpcServer();
        server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
            (request, _) => ValueTask.FromResult(new StateResponse { Id = request.Id, Pid = 7 }));
        return server;
    }

    private static (Socket Ours, Socket Theirs) SocketPair()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "pair.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var theirs = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        theirs.Connect(new UnixDomainSocketEndPoint(path));
        return (listener.Accept(), theirs);
    }

    /// <summary>Counts Dispose calls so a test can tell whether the server closed the stream.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public int Disposals { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposals++;
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
