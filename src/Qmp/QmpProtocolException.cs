namespace AotShim.Qmp;

/// <summary>What came from QEMU is not QMP: bad JSON, a missing or truncated greeting, an oversized line, a reply out of order.</summary>
public sealed class QmpProtocolException : IOException
{
    public QmpProtocolException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
