namespace AotShim.Qmp;

/// <summary>The machine QEMU emulates cannot do this operation at all (e.g. CPU hotplug on arm64 virt in QEMU 7.2).</summary>
public sealed class QmpNotSupportedException : NotSupportedException
{
    public QmpNotSupportedException(string operation, string machine, string reason, Exception? inner = null)
        : base($"{operation} is not supported by machine '{machine}': {reason}", inner)
    {
        Operation = operation;
        Machine = machine;
    }

    public string Operation { get; }

    public string Machine { get; }
}
