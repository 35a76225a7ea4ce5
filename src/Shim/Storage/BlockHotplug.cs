using AotShim.Native;
using AotShim.Qmp;

namespace AotShim.Shim.Storage;

/// <summary>
/// Hot-plugs volumes into one sandbox's VM over QMP per block_device_driver, as kata does: blockdev-add of the host
/// device (host_device) or image file, then scsi-hd on the virtio-scsi controller or virtio-blk-pci on a free PCI
/// hotplug slot; the device goes again (device_del, DEVICE_DELETED, blockdev-del) with its last user. A device two
/// mounts name is plugged once. Safe to call from concurrent Creates and Deletes.
/// </summary>
public sealed class BlockHotplug(QmpClient qmp, BlockHotplugOptions options)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Plugged> _plugged = new(StringComparer.Ordinal);
    private readonly HotplugAddresses _addresses = new(options.PciBuses);

    /// <summary>The VM's hotplug slots, which network interfaces take from too.</summary>
    public HotplugAddresses Addresses => _addresses;

    /// <summary>Plugs <paramref name="hostPath"/> (a block device or image file), or adds a user to its existing plug.</summary>
    public async ValueTask<BlockAttachment> AttachAsync(string hostPath, bool readOnly, CancellationToken ct)
    {
        FileStatus status = FileStatus.Of(hostPath);
        string key = status.IsBlockDevice ? $"block device {status.Major}:{status.Minor}" : Path.GetFullPath(hostPath);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_plugged.TryGetValue(key, out Plugged? plugged))
            {
                plugged.Users++;
                return plugged.Attachment;
            }

            plugged = await PlugAsync(key, hostPath, status.IsBlockDevice, readOnly, ct).ConfigureAwait(false);
            _plugged.Add(key, plugged);
            return plugged.Attachment;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops one user; the last one unplugs the device, which takes the guest's ack (the agent must have unmounted it).</summary>
    public async ValueTask DetachAsync(BlockAttachment attachment, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_plugged.TryGetValue(attachment.Key, out Plugged? plugged))
            {
                return;
            }

            if (plugged.Users > 1)
            {
                plugged.Users--;
                return;
            }

            await qmp.UnplugBlockDeviceAsync(attachment.DeviceId, attachment.NodeName, ct: ct).ConfigureAwait(false);
            _plugged.Remove(attachment.Key);
            plugged.Release();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<Plugged> PlugAsync(string key, string hostPath, bool hostDevice, bool readOnly, CancellationToken ct)
    {
        // kata's ids: drive-RANDOM for the node, virtio-drive-RANDOM for the device.
        string node = "drive-" + Random.Shared.GetHexString(16, lowercase: true);
        string device = "virtio-" + node;
        var blockdev = new RawFileBlockdev(node, hostPath)
        {
            ReadOnly = readOnly,
            HostDevice = hostDevice,
            Aio = options.Aio,
            Direct = options.CacheSet && options.CacheDirect,
            NoFlush = options.CacheSet && options.CacheNoFlush,
        };
        switch (options.Driver)
        {
            case "virtio-scsi":
            {
                int index = _addresses.TakeScsi();
                try
                {
                    var scsi = new ScsiHdDevice(device, node) { Bus = options.ScsiBus, ScsiId = index / 256, Lun = index % 256 };
                    await qmp.HotplugBlockDeviceAsync(blockdev, scsi, ct: ct).ConfigureAwait(false);
                }
                catch
                {
                    _addresses.ReleaseScsi(index);
                    throw;
                }

                return new Plugged(new BlockAttachment(key, device, node, "scsi", HotplugAddresses.ScsiAddress(index)), () => _addresses.ReleaseScsi(index));
            }

            case "virtio-blk":
            {
                (PciHotplugBus bus, int slot) = _addresses.TakePci();
                try
                {
                    var blk = new VirtioBlkDevice(device, node) { Bus = bus.Id, Addr = PciHotplugBus.Slot(slot) };
                    await qmp.HotplugBlockDeviceAsync(blockdev, blk, ct: ct).ConfigureAwait(false);
                }
                catch
                {
                    _addresses.ReleasePci(bus, slot);
                    throw;
                }

                return new Plugged(new BlockAttachment(key, device, node, "blk", $"{bus.PathPrefix}/{PciHotplugBus.Slot(slot)}"), () => _addresses.ReleasePci(bus, slot));
            }

            default:
                throw new NotSupportedException($"block_device_driver = \"{options.Driver}\": volumes are hot-plugged with \"virtio-scsi\" or \"virtio-blk\" only");
        }
    }

    /// <summary>A plugged device, how many mounts use it, and how to free its guest address.</summary>
    private sealed class Plugged(BlockAttachment attachment, Action release)
    {
        public BlockAttachment Attachment { get; } = attachment;

        public int Users { get; set; } = 1;

        public void Release() => release();
    }
}
