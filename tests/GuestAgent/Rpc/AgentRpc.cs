using AotShim.Shim.Ttrpc;
using Google.Protobuf;

namespace AotShim.GuestAgent.Rpc;

/// <summary>
/// Registers grpc.AgentService methods. A handler's own <see cref="TtrpcException"/> passes through; any other
/// failure is reported with the method's name and a code for its kind (kata's agent says INTERNAL for all).
/// </summary>
internal static class AgentRpc
{
    public const string Service = "grpc.AgentService";

    /// <summary>The answer of every RPC that returns google.protobuf.Empty.</summary>
    public static readonly Google.Protobuf.WellKnownTypes.Empty Done = new();

    public static void Add<TRequest, TResponse>(
        TtrpcServer server,
        string method,
        MessageParser<TRequest> parser,
        Func<TRequest, TtrpcContext, ValueTask<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage =>
        server.Register(Service, method, parser, async (request, context) =>
        {
            try
            {
                return await handler(request, context).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not TtrpcException and not OperationCanceledException)
            {
                throw new TtrpcException(Code(e), $"{method}: {e.Message}", e);
            }
        });

    private static TtrpcStatusCode Code(Exception e) => e switch
    {
        ArgumentException or FormatException => TtrpcStatusCode.InvalidArgument,
        NotSupportedException => TtrpcStatusCode.Unimplemented,
        FileNotFoundException or DirectoryNotFoundException => TtrpcStatusCode.NotFound,
        InvalidOperationException => TtrpcStatusCode.FailedPrecondition,
        TimeoutException => TtrpcStatusCode.DeadlineExceeded,
        _ => TtrpcStatusCode.Internal,
    };
}
