namespace AotShim.Qmp;

/// <summary>The QMP connection ended (QEMU exited, the socket broke, or the client was disposed).</summary>
public sealed class QmpConnectionClosedException : IOException
{
    public QmpConnectionClosedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
