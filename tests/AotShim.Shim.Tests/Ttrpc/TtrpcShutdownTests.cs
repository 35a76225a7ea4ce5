using System.Net.Sockets;
using AotShim.Shim.Ttrpc;
using Containerd.Task.V2;

namespace AotShim.Shim.Tests.Ttrpc;

public sealed class TtrpcShutdownTests
{
    private const string Service = TtrpcHarness.TaskService;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A server whose Wait blocks until the test releases it (or its token fires), and whose State answers at once.</summary>
    private sealed class GatedServer : IAsyncDisposable
    {
        private GatedServer()
        {
            Harness = TtrpcHarness.Start(server =>
            {
                server.Register<WaitRequest, WaitResponse>(Service, "Wait", WaitRequest.Parser, async (_, context) =>
                {
                    Entered.TrySetResult();
                    try
                    {
                        await Release.Task.WaitAsync(context.CancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        Cancelled.TrySetResult();
                        throw;
                    }

                    return new WaitResponse { ExitStatus = 3 };
                });
                server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
                    (request, _) => ValueTask.FromResult(new StateResponse { Id = request.Id }));
            });
        }

        public TtrpcHarness Harness { get; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static GatedServer Start() => new();

        public ValueTask DisposeAsync() => Harness.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_waits_for_the_request_in_flight_delivers_its_reply_then_closes()
    {
        await using var gated = GatedServer.Start();
        await using TtrpcClient client = await gated.Harness.ConnectAsync();

        Task<WaitResponse> wait = client.CallAsync(Service, "Wait", new WaitRequest(), WaitResponse.Parser, ct: Ct).AsTask();
        await gated.Entered.Task.WaitAsync(Patience, Ct);
        Task shutdown = gated.Harness.Server.ShutdownAsync(Ct);
        await Task.Delay(200, Ct);

        Assert.False(shutdown.IsCompleted);
        Assert.False(wait.IsCompleted);
        gated.Release.SetResult();
        Assert.Equal(3u, (await wait.WaitAsync(Patience, Ct)).ExitStatus);
        await shutdown.WaitAsync(Patience, Ct);
        await client.Completion.WaitAsync(Patience, Ct);
        await gated.Harness.Serving.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task Once_shutdown_begins_new_connections_are_refused_and_new_requests_are_Unavailable()
    {
        await using var gated = GatedServer.Start();
        await using TtrpcClient client = await gated.Harness.ConnectAsync();

        Task<WaitResponse> wait = client.CallAsync(Service, "Wait", new WaitRequest(), WaitResponse.Parser, ct: Ct).AsTask();
        await gated.Entered.Task.WaitAsync(Patience, Ct);
        Task shutdown = gated.Harness.Server.ShutdownAsync(Ct);
        await gated.Harness.Serving.WaitAsync(Patience, Ct);

        await Assert.ThrowsAsync<SocketException>(async () => await gated.Harness.ConnectAsync());
        var refused = await Assert.ThrowsAsync<TtrpcException>(async () =>
            await client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct));
        Assert.Equal((TtrpcStatusCode.Unavailable, "ttrpc: server shutting down"), (refused.Code, refused.Message));
        gated.Release.SetResult();
        await wait.WaitAsync(Patience, Ct);
        await shutdown.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task Idle_connections_close_as_soon_as_shutdown_begins()
    {
        await using var gated = GatedServer.Start();
        await using TtrpcClient client = await gated.Harness.ConnectAsync();
        await client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct);

        await gated.Harness.Server.ShutdownAsync(Ct).WaitAsync(Patience, Ct);

        await client.Completion.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task When_the_shutdown_deadline_passes_handlers_are_cancelled_and_connections_closed()
    {
        await using var gated = GatedServer.Start();
        await using TtrpcClient client = await gated.Harness.ConnectAsync();

        Task<WaitResponse> wait = client.CallAsync(Service, "Wait", new WaitRequest(), WaitResponse.Parser, ct: Ct).AsTask();
        await gated.Entered.Task.WaitAsync(Patience, Ct);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await gated.Harness.Server.ShutdownAsync(deadline.Token).WaitAsync(Patience, Ct);

        await gated.Cancelled.Task.WaitAsync(Patience, Ct);
        var e = await Assert.ThrowsAsync<TtrpcException>(() => wait.WaitAsync(Patience, Ct));
        Assert.Equal(TtrpcStatusCode.Unavailable, e.Code);
    }

    [Fact]
    public async Task Disposing_the_server_closes_everything_without_waiting()
    {
        var gated = GatedServer.Start();
        await using TtrpcClient client = await gated.Harness.ConnectAsync();

        Task<WaitResponse> wait = client.CallAsync(Service, "Wait", new WaitRequest(), WaitResponse.Parser, ct: Ct).AsTask();
        await gated.Entered.Task.WaitAsync(Patience, Ct);
        await gated.DisposeAsync().AsTask().WaitAsync(Patience, Ct);

        await Assert.ThrowsAsync<TtrpcException>(() => wait.WaitAsync(Patience, Ct));
        await gated.Cancelled.Task.WaitAsync(Patience, Ct);
    }
}
