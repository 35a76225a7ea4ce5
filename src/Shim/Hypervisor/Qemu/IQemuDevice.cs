namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>One option group of the command line (a device with its backend, or a machine-wide setting).</summary>
public interface IQemuDevice
{
    void AppendTo(QemuArguments arguments);
}
