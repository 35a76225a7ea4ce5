using System.Net.Sockets;
using AotShim.Shim.Agent;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.Shim.Tests.Agent;

/// <summary>Dialing the agent over a unix socket (the virtio-serial chardev's side) while the "guest" comes up late or never.</summary>
public sealed class AgentDialerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_agent_that_starts_listening_late_is_reached_once_it_answers_Check()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "agent.sock");
        var vm = new TaskCompletionSource();
        Task<AgentClient> dialing = AgentDialer.DialAsync(new SerialAgentEndpoint(path), TimeSpan.FromSeconds(20), vm.Task, Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(dialing.IsCompleted);

        await using TtrpcServer agent = Serve(path, HealthCheckResponse.Types.ServingStatus.Serving);
        await using AgentClient client = await dialing.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.Equal("virtio-serial " + path, client.Endpoint);
    }

    [Fact]
    public async Task An_agent_that_never_answers_fails_at_dial_timeout_naming_the_endpoint_and_the_last_error()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "agent.sock");

        var e = await Assert.ThrowsAsync<TimeoutException>(async () =>
            await AgentDialer.DialAsync(new SerialAgentEndpoint(path), TimeSpan.FromMilliseconds(500), new TaskCompletionSource().Task, Ct));

        Assert.StartsWith($"agent at virtio-serial {path}: no answer within dial_timeout 0.5 s after ", e.Message);
        Assert.Contains("last error:", e.Message);
    }

    [Fact]
    public async Task A_connection_nobody_serves_is_given_up_when_the_VM_exits()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "agent.sock");
        using var silent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        silent.Bind(new UnixDomainSocketEndPoint(path));
        silent.Listen(4);
        var vm = new TaskCompletionSource();
        Task<AgentClient> dialing = AgentDialer.DialAsync(new SerialAgentEndpoint(path), TimeSpan.FromSeconds(60), vm.Task, Ct).AsTask();

        vm.SetResult();

        var e = await Assert.ThrowsAsync<TimeoutException>(() => dialing.WaitAsync(TimeSpan.FromSeconds(15), Ct));
        Assert.Contains("the VM exited", e.Message);
    }

    [Fact]
    public async Task An_agent_not_serving_yet_is_asked_again()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "agent.sock");
        await using TtrpcServer agent = Serve(path, HealthCheckResponse.Types.ServingStatus.NotServing);

        var e = await Assert.ThrowsAsync<TimeoutException>(async () =>
            await AgentDialer.DialAsync(new SerialAgentEndpoint(path), TimeSpan.FromSeconds(2), new TaskCompletionSource().Task, Ct));

        Assert.Contains("Health.Check says NotServing", e.Message);
    }

    private static TtrpcServer Serve(string path, HealthCheckResponse.Types.ServingStatus status)
    {
        var server = new TtrpcServer();
        server.Register<CheckRequest, HealthCheckResponse>(AgentClient.HealthService, "Check", CheckRequest.Parser,
            (_, _) => ValueTask.FromResult(new HealthCheckResponse { Status = status }));
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        _ = server.ServeAsync(listener);
        return server;
    }
}
