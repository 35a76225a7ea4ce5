namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>The argv being built; each device group appends its own options.</summary>
public sealed class QemuArguments
{
    private readonly List<string> _arguments = [];

    public IReadOnlyList<string> Arguments => _arguments;

    public QemuArguments Add(string option, string value)
    {
        _arguments.Add(option);
        _arguments.Add(value);
        return this;
    }

    public QemuArguments Flag(string option)
    {
        _arguments.Add(option);
        return this;
    }

    public QemuArguments Device(string value) => Add("-device", value);

    public QemuArguments Object(string value) => Add("-object", value);

    public QemuArguments Chardev(string value) => Add("-chardev", value);
}
