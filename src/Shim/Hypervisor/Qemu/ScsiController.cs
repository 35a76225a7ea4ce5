namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>The virtio-scsi controller for block_device_driver = virtio-scsi, with its own iothread when enabled.</summary>
public sealed record ScsiController(bool DisableModern, bool IoThread) : IQemuDevice
{
    public const string Id = "scsi0";

    public void AppendTo(QemuArguments arguments)
    {
        if (IoThread)
        {
            arguments.Object("iothread,id=iothread-" + Id);
            arguments.Device($"virtio-scsi-pci,id={Id},disable-modern={QemuValues.Bool(DisableModern)},iothread=iothread-{Id}");
        }
        else
        {
            arguments.Device($"virtio-scsi-pci,id={Id},disable-modern={QemuValues.Bool(DisableModern)}");
        }
    }
}
