namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>The guest image as a read-only virtio-blk disk, where nvdimm is unavailable (arm64 without UEFI, or disabled).</summary>
public sealed record BlockImage(string ImagePath, string Id, bool DisableModern) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        arguments.Device($"virtio-blk-pci,disable-modern={QemuValues.Bool(DisableModern)},drive={Id},scsi=off,config-wce=off,share-rw=on,serial={Id}");
        arguments.Add("-drive", $"id={Id},file={ImagePath},aio=threads,format=raw,if=none,readonly=on");
    }
}
