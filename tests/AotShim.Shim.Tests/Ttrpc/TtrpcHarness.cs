using System.Net.Sockets;
using AotShim.Shim.Ttrpc;

namespace AotShim.Shim.Tests.Ttrpc;

/// <summary>A TTRPC server serving on a unix socket in a test's temp directory, as the shim serves on its inherited listener.</summary>
internal sealed class TtrpcHarness : IAsyncDisposable
{
    public const string TaskService = "containerd.task.v2.Task";

    private readonly TempDirectory _directory = new();

    private TtrpcHarness(Action<TtrpcServer> register)
    {
        register(Server);
        SocketPath = Path.Combine(_directory.Path, "shim.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen(16);
        Serving = Server.ServeAsync(listener);
    }

    public TtrpcServer Server { get; } = new();

    public string SocketPath { get; }

    public Task Serving { get; }

    public static TtrpcHarness Start(Action<TtrpcServer> register) => new(register);

    public ValueTask<TtrpcClient> ConnectAsync() => TtrpcClient.ConnectAsync(SocketPath, TestContext.Current.CancellationToken);

    public Task<RawTtrpcPeer> ConnectRawAsync() => RawTtrpcPeer.ConnectAsync(SocketPath);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}
