namespace AotShim.Qmp;

/// <summary>
/// A wait for one event, registered before the command that triggers it is sent so the event cannot slip
/// past; dispose it when done to unregister.
/// </summary>
public sealed class QmpEventWaiter : IDisposable
{
    private readonly EventWaiters _owner;
    private readonly Func<QmpEvent, bool>? _match;
    private readonly TimeSpan _defaultTimeout;
    private readonly TaskCompletionSource<QmpEvent> _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal QmpEventWaiter(EventWaiters owner, string name, Func<QmpEvent, bool>? match, string description, TimeSpan defaultTimeout)
    {
        _owner = owner;
        _match = match;
        _defaultTimeout = defaultTimeout;
        Name = name;
        Description = description;
    }

    public string Name { get; }

    /// <summary>What is awaited, for messages: e.g. "DEVICE_DELETED for device 'blk0'".</summary>
    public string Description { get; }

    /// <summary>The matching event; a TimeoutException names the event and the timeout (default: the command timeout).</summary>
    public async ValueTask<QmpEvent> WaitAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        TimeSpan limit = timeout ?? _defaultTimeout;
        try
        {
            return await _arrived.Task.WaitAsync(limit, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"QMP event {Description} did not arrive within {Durations.Describe(limit)}", e);
        }
    }

    public void Dispose() => _owner.Remove(this);

    internal bool TryDeliver(QmpEvent qmpEvent)
    {
        if (qmpEvent.Name != Name || (_match is not null && !_match(qmpEvent)))
        {
            return false;
        }

        _arrived.TrySetResult(qmpEvent);
        return true;
    }

    internal void Fail(Exception exception) => _arrived.TrySetException(exception);
}
