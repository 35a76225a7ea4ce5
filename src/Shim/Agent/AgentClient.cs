using AotShim.Shim.Ttrpc;
using Google.Protobuf;

namespace AotShim.Shim.Agent;

/// <summary>
/// The kata agent's TTRPC API (grpc.AgentService, grpc.Health) over one connection. Calls are grouped by concern in the
/// partial files; a failed call throws <see cref="TtrpcException"/> naming the RPC.
/// </summary>
public sealed partial class AgentClient : IAsyncDisposable
{
    public const string AgentService = "grpc.AgentService";
    public const string HealthService = "grpc.Health";

    /// <summary>Kata's default per-request timeout for calls that do not block by design.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly TtrpcClient _client;

    public AgentClient(TtrpcClient client, string endpoint)
    {
        _client = client;
        Endpoint = endpoint;
    }

    /// <summary>Where the agent was reached, e.g. vsock://3:1024 or the virtio-serial socket's path.</summary>
    public string Endpoint { get; }

    /// <summary>Completes when the connection has ended (the VM died, the agent closed it).</summary>
    public Task Closed => _client.Completion;

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private ValueTask<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, MessageParser<TResponse> parser, TimeSpan? timeout, CancellationToken ct)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        CallAsync(AgentService, method, request, parser, timeout, ct);

    private async ValueTask<TResponse> CallAsync<TRequest, TResponse>(string service, string method, TRequest request, MessageParser<TResponse> parser, TimeSpan? timeout, CancellationToken ct)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        try
        {
            return await _client.CallAsync(service, method, request, parser, timeout, ct: ct).ConfigureAwait(false);
        }
        catch (TtrpcException e)
        {
            throw new TtrpcException(e.Code, $"agent {method} ({Endpoint}): {e.Message}", e);
        }
    }
}
