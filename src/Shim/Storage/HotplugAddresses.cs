namespace AotShim.Shim.Storage;

/// <summary>
/// The guest addresses hot-plugged devices may take: the lowest free slot on the PCI hotplug buses (in order), shared by
/// volumes and network interfaces, or the lowest free SCSI index, which kata splits into scsi-id index/256 and lun
/// index%256 on the one virtio-scsi controller.
/// </summary>
public sealed class HotplugAddresses(IReadOnlyList<PciHotplugBus> buses)
{
    /// <summary>kata's maxSCSIDevices.</summary>
    private const int ScsiIndexes = 65535;

    private readonly HashSet<(string Bus, int Slot)> _pci = [];
    private readonly HashSet<int> _scsi = [];

    public (PciHotplugBus Bus, int Slot) TakePci()
    {
        if (buses.Count == 0)
        {
            throw new InvalidOperationException("hot-plugging a PCI device (a virtio-blk volume, a network interface) needs a PCI bus, and the VM has none it can hot-plug on (pcie_root_port = 0 and default_bridges = 0, or an arm64 virt machine without pcie_root_port)");
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

        throw new InvalidOperationException($"no free PCI hotplug slot left on {string.Join(", ", buses.Select(b => b.Id))} (a root port takes one device: raise pcie_root_port)");
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
