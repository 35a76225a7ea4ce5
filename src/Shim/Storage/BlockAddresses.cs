namespace AotShim.Shim.Storage;

/// <summary>
/// The guest addresses volumes may take: the lowest free slot on the PCI hotplug buses (in order), or the lowest free
/// SCSI index, which kata splits into scsi-id index/256 and lun index%256 on the one virtio-scsi controller.
/// </summary>
internal sealed class BlockAddresses(IReadOnlyList<PciHotplugBus> buses)
{
    /// <summary>kata's maxSCSIDevices.</summary>
    private const int ScsiIndexes = 65535;

    private readonly HashSet<(string Bus, int Slot)> _pci = [];
    private readonly HashSet<int> _scsi = [];

    public (PciHotplugBus Bus, int Slot) TakePci()
    {
        if (buses.Count == 0)
        {
            throw new InvalidOperationException("block_device_driver = \"virtio-blk\" needs a PCI bus to hot-plug on, and the VM has none (default_bridges = 0)");
        }

        foreach (PciHotplugBus bus in buses)
        {
            for (int slot = bus.FirstSlot; slot <= bus.LastSlot; slot++)
            {
                if (_pci.Add((bus.Id, slot)))
                {
                    return (bus, slot);
                }
            }
        }

        throw new InvalidOperationException($"no free PCI hotplug slot left on {string.Join(", ", buses.Select(b => b.Id))}");
    }

    public void ReleasePci(PciHotplugBus bus, int slot) => _pci.Remove((bus.Id, slot));

    public int TakeScsi()
    {
        for (int index = 0; index < ScsiIndexes; index++)
        {
            if (_scsi.Add(index))
            {
                return index;
            }
        }

        throw new InvalidOperationException($"no free SCSI address left: all {ScsiIndexes} are plugged");
    }

    public void ReleaseScsi(int index) => _scsi.Remove(index);

    /// <summary>The agent's SCSI address "id:lun" for an index.</summary>
    public static string ScsiAddress(int index) => $"{index / 256}:{index % 256}";
}
