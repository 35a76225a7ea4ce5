using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>The host's side of the kata agent protocol for tests: grpc.AgentService and grpc.Health calls over one connection.</summary>
internal sealed class GuestAgentClient(TtrpcClient client) : IAsyncDisposable
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public Task<TResponse> CallAsync<TResponse>(string method, IMessage request, MessageParser<TResponse> parser)
        where TResponse : IMessage<TResponse> =>
        client.CallAsync("grpc.AgentService", method, request, parser, CallLimit, ct: Ct).AsTask();

    public Task<Empty> CallAsync(string method, IMessage request) => CallAsync(method, request, Empty.Parser);

    public Task<HealthCheckResponse> CheckAsync() =>
        client.CallAsync("grpc.Health", "Check", new CheckRequest(), HealthCheckResponse.Parser, CallLimit, ct: Ct).AsTask();

    public Task<VersionCheckResponse> VersionAsync() =>
        client.CallAsync("grpc.Health", "Version", new CheckRequest(), VersionCheckResponse.Parser, CallLimit, ct: Ct).AsTask();

    /// <summary>ReadStdout/ReadStderr until the agent reports end of stream (an error status), returning all the text.</summary>
    public async Task<string> ReadToEndAsync(string containerId, string execId, bool stdout = true)
    {
        var text = new System.Text.StringBuilder();
        while (true)
        {
            ReadStreamResponse chunk;
            try
            {
                chunk = await CallAsync(stdout ? "ReadStdout" : "ReadStderr", new ReadStreamRequest { ContainerId = containerId, ExecId = execId, Len = 4096 }, ReadStreamResponse.Parser);
            }
            catch (TtrpcException e) when (e.Code == TtrpcStatusCode.Internal && e.Message.StartsWith("eof", StringComparison.Ordinal))
            {
                return text.ToString();
            }

            text.Append(chunk.Data.ToStringUtf8());
        }
    }

    public async Task<int> WaitAsync(string containerId, string execId = "") =>
        (await CallAsync("WaitProcess", new WaitProcessRequest { ContainerId = containerId, ExecId = execId }, WaitProcessResponse.Parser)).Status;

    /// <summary>
    /// The container cgroup's pids.current once it reaches <paramref name="expected"/>, or the last count after 30 s:
    /// a killed process's orphans count until the guest's PID 1 reaps them, a moment after WaitProcess answers.
    /// </summary>
    public async Task<ulong> PidsSettlingAtAsync(string containerId, ulong expected)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            StatsContainerResponse stats = await CallAsync("StatsContainer", new StatsContainerRequest { ContainerId = containerId }, StatsContainerResponse.Parser);
            ulong current = stats.CgroupStats.PidsStats.Current;
            if (current == expected || DateTime.UtcNow > deadline)
            {
                return current;
            }

            await Task.Delay(50, Ct);
        }
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
