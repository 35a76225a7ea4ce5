namespace AotShim.Qmp;

/// <summary>The FIFO of sent commands: QEMU answers in-band commands in order, so the head owns the next reply.</summary>
internal sealed class PendingCommands
{
    private readonly Queue<PendingCommand> _queue = new();
    private Func<PendingCommand?, Exception>? _closed;

    /// <summary>Adds a command about to be written; throws once the connection is gone.</summary>
    public void Enqueue(PendingCommand command)
    {
        lock (_queue)
        {
            if (_closed is not null)
            {
                throw _closed(null);
            }

            _queue.Enqueue(command);
        }
    }

    public PendingCommand? Peek()
    {
        lock (_queue)
        {
            return _queue.TryPeek(out PendingCommand? head) ? head : null;
        }
    }

    public void Dequeue()
    {
        lock (_queue)
        {
            _queue.TryDequeue(out _);
        }
    }

    /// <summary>Fails every pending command, and all later ones (passed as null), with what <paramref name="failure"/> makes for each.</summary>
    public void Close(Func<PendingCommand?, Exception> failure)
    {
        PendingCommand[] orphans;
        lock (_queue)
        {
            if (_closed is not null)
            {
                return;
            }

            _closed = failure;
            orphans = [.. _queue];
            _queue.Clear();
        }

        foreach (PendingCommand orphan in orphans)
        {
            orphan.Fail(failure(orphan));
        }
    }
}
