namespace AotShim.Shim.Storage;

/// <summary>One hot-plugged volume device: QEMU's ids for it and how the agent finds it in the guest.</summary>
/// <param name="Key">What the device is on the host (a device number or an image path): one plug per key, shared by its users.</param>
/// <param name="AgentDriver">The agent Storage driver: "blk" (virtio-blk, by PCI path) or "scsi" (by SCSI id:lun).</param>
/// <param name="GuestAddress">The PCI path ("02/01") or SCSI address ("0:1") the agent's Storage source names.</param>
public sealed record BlockAttachment(string Key, string DeviceId, string NodeName, string AgentDriver, string GuestAddress)
{
    /// <summary>kata's per-device mount point in the guest: its address base64url-encoded (with padding) below the sandbox storage dir.</summary>
    public string GuestMountPoint =>
        $"{GuestPaths.BlockVolumes}/{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(GuestAddress)).Replace('+', '-').Replace('/', '_')}";
}
