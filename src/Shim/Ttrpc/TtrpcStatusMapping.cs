namespace AotShim.Shim.Ttrpc;

/// <summary>How a handler's exception becomes a status, close to containerd/ttrpc's convertCode.</summary>
internal static class TtrpcStatusMapping
{
    public static (TtrpcStatusCode Code, string Message) FromException(Exception exception, bool deadlineExpired) => exception switch
    {
        TtrpcException e => (e.Code, e.Message),

        // Go's context errors, which containerd's errdefs turn back into context.DeadlineExceeded / Canceled.
        OperationCanceledException when deadlineExpired => (TtrpcStatusCode.DeadlineExceeded, "context deadline exceeded"),
        OperationCanceledException => (TtrpcStatusCode.Canceled, "context canceled"),
        TimeoutException e => (TtrpcStatusCode.DeadlineExceeded, e.Message),
        ArgumentException e => (TtrpcStatusCode.InvalidArgument, e.Message),
        FileNotFoundException or DirectoryNotFoundException or KeyNotFoundException => (TtrpcStatusCode.NotFound, exception.Message),
        UnauthorizedAccessException e => (TtrpcStatusCode.PermissionDenied, e.Message),
        NotSupportedException e => (TtrpcStatusCode.Unimplemented, e.Message),
        _ => (TtrpcStatusCode.Unknown, exception.Message),
    };
}
