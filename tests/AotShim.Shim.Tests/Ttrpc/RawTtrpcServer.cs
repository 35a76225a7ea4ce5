using System.Net.Sockets;
using AotShim.Shim.Ttrpc;

namespace AotShim.Shim.Tests.Ttrpc;

/// <summary>A hand-driven TTRPC server end for client tests: the client under test connects, the test answers frame by frame.</summary>
internal sealed class RawTtrpcServer(TempDirectory directory, Socket listener, TtrpcClient client, RawTtrpcPeer peer) : IAsyncDisposable
{
    public TtrpcClient Client => client;

    public RawTtrpcPeer Peer => peer;

    public static async Task<RawTtrpcServer> StartAsync()
    {
        var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "raw.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        ValueTask<TtrpcClient> connecting = TtrpcClient.ConnectAsync(path, TestContext.Current.CancellationToken);
        var peer = new RawTtrpcPeer(await listener.AcceptAsync(TestContext.Current.CancellationToken));
        return new RawTtrpcServer(directory, listener, await connecting, peer);
    }

    public async ValueTask DisposeAsync()
    {
        await client.DisposeAsync();
        peer.Dispose();
        listener.Dispose();
        directory.Dispose();
    }
}
