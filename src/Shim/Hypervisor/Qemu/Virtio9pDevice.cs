namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>QEMU's built-in 9p server over the shared directory (no daemon); msize is the guest mount's option.</summary>
public sealed record Virtio9pDevice(string SharedDirectory, string Tag, bool DisableModern) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        string fsdev = "extra-9p-" + Tag;
        arguments.Device($"virtio-9p-pci,disable-modern={QemuValues.Bool(DisableModern)},fsdev={fsdev},mount_tag={Tag}");
        arguments.Add("-fsdev", $"local,id={fsdev},path={SharedDirectory},security_model=none,multidevs=remap");
    }
}
