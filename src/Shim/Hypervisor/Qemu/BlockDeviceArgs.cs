namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>A block device present at boot, on the configured driver: virtio-blk, or scsi-hd on the virtio-scsi controller.</summary>
public sealed record BlockDeviceArgs(BlockDevice Device, int Index, string Driver, string Aio, bool DisableModern) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        string drive = $"id={Device.Id},file={Device.Path},aio={Aio},format=raw,if=none";
        arguments.Add("-drive", Device.ReadOnly ? drive + ",readonly=on" : drive);
        arguments.Device(Driver == "virtio-scsi"
            ? $"scsi-hd,bus={ScsiController.Id}.0,drive={Device.Id},scsi-id={Index},lun=0,serial={Device.Id}"
            : $"virtio-blk-pci,disable-modern={QemuValues.Bool(DisableModern)},drive={Device.Id},scsi=off,config-wce=off,share-rw=on,serial={Device.Id}");
    }
}
