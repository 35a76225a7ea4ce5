using System.Collections.Concurrent;
using AotShim.Shim.Ttrpc;
using Containerd.Task.V2;

namespace AotShim.Shim.Tests.Ttrpc;

public sealed class TtrpcCallTests
{
    private const string Service = TtrpcHarness.TaskService;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_call_round_trips_its_request_and_response()
    {
        await using var harness = TtrpcHarness.Start(server => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
            (request, _) => ValueTask.FromResult(new StateResponse { Id = request.Id, ExecId = request.ExecId, Pid = 42 })));
        await using TtrpcClient client = await harness.ConnectAsync();

        StateResponse state = await client.CallAsync(Service, "State", new StateRequest { Id = "c1", ExecId = "e1" }, StateResponse.Parser, ct: Ct);

        Assert.Equal(("c1", "e1", 42u), (state.Id, state.ExecId, state.Pid));
    }

    [Fact]
    public async Task Two_hundred_calls_in_flight_on_one_connection_each_get_their_own_answer_in_any_order()
    {
        const int Calls = 200;
        TaskCompletionSource[] gates = [.. Enumerable.Range(0, Calls).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int arrived = 0;
        await using var harness = TtrpcHarness.Start(server => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
            async (request, context) =>
            {
                int index = int.Parse(request.Id);
                if (Interlocked.Increment(ref arrived) == Calls)
                {
                    allArrived.TrySetResult();
                }

                await gates[index].Task.WaitAsync(context.CancellationToken);
                return new StateResponse { Id = request.Id, Pid = (uint)index };
            }));
        await using TtrpcClient client = await harness.ConnectAsync();
        var completionOrder = new ConcurrentQueue<int>();

        Task<StateResponse>[] calls = [.. Enumerable.Range(0, Calls).Select(async i =>
        {
            StateResponse response = await client.CallAsync(Service, "State", new StateRequest { Id = i.ToString() }, StateResponse.Parser, ct: Ct);
            completionOrder.Enqueue(i);
            return response;
        })];
        await allArrived.Task.WaitAsync(Patience, Ct);
        int[] releaseOrder = [.. Enumerable.Range(0, Calls).OrderBy(i => (i * 7919) % Calls)];
        foreach (int i in releaseOrder)
        {
            gates[i].SetResult();
        }

        StateResponse[] responses = await Task.WhenAll(calls).WaitAsync(Patience, Ct);

        for (int i = 0; i < Calls; i++)
        {
            Assert.Equal((i.ToString(), (uint)i), (responses[i].Id, responses[i].Pid));
        }

        Assert.NotEqual(Enumerable.Range(0, Calls), completionOrder);
    }

    [Fact]
    public async Task A_Wait_blocking_its_thread_does_not_hold_up_State_on_the_same_connection()
    {
        using var release = new ManualResetEventSlim();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = TtrpcHarness.Start(server =>
        {
            server.Register<WaitRequest, WaitResponse>(Service, "Wait", WaitRequest.Parser, (_, context) =>
            {
                waiting.TrySetResult();
                release.Wait(context.CancellationToken);
                return ValueTask.FromResult(new WaitResponse { ExitStatus = 7 });
            });
            server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
                (request, _) => ValueTask.FromResult(new StateResponse { Id = request.Id }));
        });
        await using TtrpcClient client = await harness.ConnectAsync();

        Task<WaitResponse> wait = client.CallAsync(Service, "Wait", new WaitRequest { Id = "c1" }, WaitResponse.Parser, ct: Ct).AsTask();
        await waiting.Task.WaitAsync(Patience, Ct);
        StateResponse state = await client.CallAsync(Service, "State", new StateRequest { Id = "c1" }, StateResponse.Parser, ct: Ct).AsTask().WaitAsync(Patience, Ct);

        Assert.Equal("c1", state.Id);
        Assert.False(wait.IsCompleted);
        release.Set();
        Assert.Equal(7u, (await wait.WaitAsync(Patience, Ct)).ExitStatus);
    }

    [Fact]
    public async Task Metadata_reaches_the_handler_and_a_repeated_key_keeps_every_value()
    {
        await using var harness = TtrpcHarness.Start(server => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
            (_, context) => ValueTask.FromResult(new StateResponse { Stdout = string.Join(",", context.Metadata.Select(kv => $"{kv.Key}={kv.Value}")) })));
        await using TtrpcClient client = await harness.ConnectAsync();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        var metadata = new Dictionary<string, string> { ["containerd-namespace-ttrpc"] = "k8s.io", ["trace"] = "" };
        StateResponse fromClient = await client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, metadata: metadata, ct: Ct);
        await peer.SendFrameAsync(1, RawFrame.Request, RawTtrpcPeer.RequestEnvelope(Service, "State", new StateRequest(), 0, ("k", "1"), ("k", "2")));
        StateResponse fromPeer = StateResponse.Parser.ParseFrom((await peer.ReceiveFrameAsync()).ParseResponse().Payload);

        Assert.Equal("containerd-namespace-ttrpc=k8s.io,trace=", fromClient.Stdout);
        Assert.Equal("k=1,k=2", fromPeer.Stdout);
    }

    [Fact]
    public async Task A_call_without_metadata_or_timeout_gives_the_handler_none()
    {
        var seen = new TaskCompletionSource<TtrpcContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = TtrpcHarness.Start(server => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
            (_, context) =>
            {
                seen.TrySetResult(context);
                return ValueTask.FromResult(new StateResponse());
            }));
        await using TtrpcClient client = await harness.ConnectAsync();

        await client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct);
        TtrpcContext context = await seen.Task.WaitAsync(Patience, Ct);

        Assert.Empty(context.Metadata);
        Assert.Null(context.Deadline);
        Assert.True(context.CancellationToken.CanBeCanceled);
    }

    [Fact]
    public async Task A_client_timeout_travels_as_timeout_nano_and_cancels_the_handler_at_its_deadline()
    {
        var observed = new TaskCompletionSource<DateTimeOffset?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = TtrpcHarness.Start(server => server.Register<WaitRequest, WaitResponse>(Service, "Wait", WaitRequest.Parser,
            async (_, context) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    observed.TrySetResult(context.Deadline);
                    throw;
                }

                return new WaitResponse();
            }));
        await using TtrpcClient client = await harness.ConnectAsync();
        DateTimeOffset started = DateTimeOffset.UtcNow;

        var e = await Assert.ThrowsAsync<TtrpcException>(async () =>
            await client.CallAsync(Service, "Wait", new WaitRequest(), WaitResponse.Parser, timeout: TimeSpan.FromMilliseconds(300), ct: Ct));
        DateTimeOffset? deadline = await observed.Task.WaitAsync(Patience, Ct);

        Assert.Equal(TtrpcStatusCode.DeadlineExceeded, e.Code);
        Assert.NotNull(deadline);
        Assert.InRange(deadline.Value - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_server_alone_enforces_timeout_nano_with_DeadlineExceeded()
    {
        await using var harness = TtrpcHarness.Start(server => server.Register<WaitRequest, WaitResponse>(Service, "Wait", WaitRequest.Parser,
            async (_, context) =>
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return new WaitResponse();
            }));
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendFrameAsync(1, RawFrame.Request, RawTtrpcPeer.RequestEnvelope(Service, "Wait", new WaitRequest(), timeoutNano: 200_000_000));
        RawFrame frame = await peer.ReceiveFrameAsync();

        Assert.Equal(1u, frame.StreamId);
        Assert.Equal((4, "context deadline exceeded"), (frame.ParseResponse().Status.Code, frame.ParseResponse().Status.Message));
    }

    [Fact]
    public async Task A_cancelled_call_throws_and_its_late_answer_is_dropped_harmlessly()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = TtrpcHarness.Start(server =>
        {
            server.Register<WaitRequest, WaitResponse>(Service, "Wait", WaitRequest.Parser, async (_, _) =>
            {
                entered.TrySetResult();
                await release.Task;
                return new WaitResponse { ExitStatus = 1 };
            });
            server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
                (request, _) => ValueTask.FromResult(new StateResponse { Id = request.Id }));
        });
        await using TtrpcClient client = await harness.ConnectAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task<WaitResponse> wait = client.CallAsync(Service, "Wait", new WaitRequest(), WaitResponse.Parser, ct: cancel.Token).AsTask();
        await entered.Task.WaitAsync(Patience, Ct);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Patience, Ct));
        release.SetResult();

        StateResponse state = await client.CallAsync(Service, "State", new StateRequest { Id = "after" }, StateResponse.Parser, ct: Ct);
        Assert.Equal("after", state.Id);
    }

    [Theory]
    [InlineData("containerd.task.v2.Nope", "State", "service containerd.task.v2.Nope")]
    [InlineData(Service, "Nope", "method Nope")]
    public async Task An_unknown_service_or_method_is_Unimplemented(string service, string method, string message)
    {
        await using var harness = TtrpcHarness.Start(server => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
            (_, _) => ValueTask.FromResult(new StateResponse())));
        await using TtrpcClient client = await harness.ConnectAsync();

        var e = await Assert.ThrowsAsync<TtrpcException>(async () =>
            await client.CallAsync(service, method, new StateRequest(), StateResponse.Parser, ct: Ct));

        Assert.Equal((TtrpcStatusCode.Unimplemented, message), (e.Code, e.Message));
    }

    [Fact]
    public async Task A_TtrpcException_from_a_handler_keeps_its_code_and_other_exceptions_are_Unknown()
    {
        await using var harness = TtrpcHarness.Start(server =>
        {
            server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
                (request, _) => throw new TtrpcException(TtrpcStatusCode.NotFound, $"container {request.Id}: not found"));
            server.Register<PidsRequest, PidsResponse>(Service, "Pids", PidsRequest.Parser,
                (_, _) => throw new InvalidOperationException("the sandbox is gone"));
        });
        await using TtrpcClient client = await harness.ConnectAsync();

        var notFound = await Assert.ThrowsAsync<TtrpcException>(async () =>
            await client.CallAsync(Service, "State", new StateRequest { Id = "c9" }, StateResponse.Parser, ct: Ct));
        var unknown = await Assert.ThrowsAsync<TtrpcException>(async () =>
            await client.CallAsync(Service, "Pids", new PidsRequest(), PidsResponse.Parser, ct: Ct));

        Assert.Equal((TtrpcStatusCode.NotFound, "container c9: not found"), (notFound.Code, notFound.Message));
        Assert.Equal((TtrpcStatusCode.Unknown, "the sandbox is gone"), (unknown.Code, unknown.Message));
    }

    [Fact]
    public async Task A_method_registered_twice_or_after_serving_began_is_refused()
    {
        static ValueTask<StateResponse> State(StateRequest request, TtrpcContext context) => ValueTask.FromResult(new StateResponse());
        await using var harness = TtrpcHarness.Start(server =>
        {
            server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser, State);
            Assert.Throws<InvalidOperationException>(() => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser, State));
        });

        Assert.Throws<InvalidOperationException>(() => harness.Server.Register<PidsRequest, PidsResponse>(Service, "Pids", PidsRequest.Parser,
            (_, _) => ValueTask.FromResult(new PidsResponse())));
    }
}
