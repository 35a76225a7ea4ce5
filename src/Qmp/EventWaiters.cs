namespace AotShim.Qmp;

/// <summary>The registered <see cref="QmpEventWaiter"/>s; each completes with the first event it matches.</summary>
internal sealed class EventWaiters
{
    private readonly List<QmpEventWaiter> _waiters = [];
    private Func<QmpEventWaiter, Exception>? _closed;

    public void Add(QmpEventWaiter waiter)
    {
        lock (_waiters)
        {
            if (_closed is null)
            {
                _waiters.Add(waiter);
                return;
            }
        }

        waiter.Fail(_closed(waiter));
    }

    public void Remove(QmpEventWaiter waiter)
    {
        lock (_waiters)
        {
            _waiters.Remove(waiter);
        }
    }

    public void Deliver(QmpEvent qmpEvent)
    {
        lock (_waiters)
        {
            _waiters.RemoveAll(waiter => waiter.TryDeliver(qmpEvent));
        }
    }

    public void Close(Func<QmpEventWaiter, Exception> failure)
    {
        QmpEventWaiter[] orphans;
        lock (_waiters)
        {
            if (_closed is not null)
            {
                return;
            }

            _closed = failure;
            orphans = [.. _waiters];
            _waiters.Clear();
        }

        foreach (QmpEventWaiter orphan in orphans)
        {
            orphan.Fail(failure(orphan));
        }
    }
}
