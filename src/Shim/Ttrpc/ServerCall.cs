using Google.Protobuf;

namespace AotShim.Shim.Ttrpc;

/// <summary>One request being served, queued as its own work item so a long Wait never holds up a State behind it.</summary>
internal sealed class ServerCall(
    TtrpcServerConnection connection,
    uint streamId,
    TtrpcMethod method,
    IMessage request,
    long timeoutNano,
    IReadOnlyList<KeyValuePair<string, string>> metadata) : IThreadPoolWorkItem
{
    // CancelAfter's limit; a longer timeout_nano still sets the deadline a handler sees.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public void Execute() => _ = RunAsync();

    private async Task RunAsync()
    {
        CancellationToken closing = connection.Closing;
        using CancellationTokenSource? deadline = timeoutNano == 0 ? null : CancellationTokenSource.CreateLinkedTokenSource(closing);
        DateTimeOffset? deadlineAt = null;
        if (deadline is not null)
        {
            // As Go's context.WithTimeout: a negative timeout has already expired.
            TimeSpan timeout = TimeSpan.FromTicks(Math.Max(0, timeoutNano / TimeSpan.NanosecondsPerTick));
            deadlineAt = DateTimeOffset.UtcNow + timeout;
            if (timeout <= MaxTimer)
            {
                deadline.CancelAfter(timeout);
            }
        }

        TtrpcResponseFrame response;
        try
        {
            IMessage reply = await method.InvokeAsync(request, new TtrpcContext(metadata, deadlineAt, deadline?.Token ?? closing)).ConfigureAwait(false);
            response = TtrpcResponseFrame.Success(reply);
        }
        catch (Exception e)
        {
            bool expired = deadline is { IsCancellationRequested: true } && !closing.IsCancellationRequested;
            (TtrpcStatusCode code, string message) = TtrpcStatusMapping.FromException(e, expired);
            response = TtrpcResponseFrame.Failure(code, message);
        }

        await connection.RespondAsync(streamId, response).ConfigureAwait(false);
    }
}
