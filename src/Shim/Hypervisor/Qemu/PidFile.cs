namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>-pidfile in the VM directory, as kata writes it.</summary>
public sealed record PidFile(string Path) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments) => arguments.Add("-pidfile", Path);
}
