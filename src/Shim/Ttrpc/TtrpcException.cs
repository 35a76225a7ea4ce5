using Google.Rpc;

namespace AotShim.Shim.Ttrpc;

/// <summary>A TTRPC call that failed with a status: thrown by handlers to choose the code, and by the client for error replies.</summary>
public sealed class TtrpcException : Exception
{
    public TtrpcException(TtrpcStatusCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    public TtrpcStatusCode Code { get; }

    internal static TtrpcException FromStatus(Status status) => new((TtrpcStatusCode)status.Code, status.Message);

    internal static TtrpcException ConnectionClosed(string endpoint, Exception? reason) =>
        new(TtrpcStatusCode.Unavailable, $"ttrpc: the connection to {endpoint} is closed", reason);

    internal static TtrpcException Oversized(long length) =>
        new(TtrpcStatusCode.ResourceExhausted, $"message length {length} exceed maximum message size of {TtrpcProtocol.MaxMessageLength}");
}
