namespace AotShim.Shim.Storage;

/// <summary>
/// A PCI bus the VM can hot-plug virtio-blk devices onto, and how the guest reaches it: a device on slot S of this bus
/// has the kata PCI path "<see cref="PathPrefix"/>/SS" (slots in two hex digits, one per bus hop from the root bus).
/// </summary>
/// <param name="Id">The QEMU id device_add names as bus.</param>
/// <param name="PathPrefix">The PCI path of the bridge or port itself, e.g. "02" for a bridge at slot 2 of the root bus.</param>
public sealed record PciHotplugBus(string Id, string PathPrefix, int FirstSlot, int LastSlot)
{
    /// <summary>kata's pci-bridge capacity: slots 1 to 30 take hot-plugged devices.</summary>
    public static PciHotplugBus Bridge(string id, int slot) => new(id, Slot(slot), 1, 30);

    /// <summary>A pcie-root-port holds exactly one device, at slot 0.</summary>
    public static PciHotplugBus RootPort(string id, int slot) => new(id, Slot(slot), 0, 0);

    public static string Slot(int slot) => slot.ToString("x2", System.Globalization.CultureInfo.InvariantCulture);
}
