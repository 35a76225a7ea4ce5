namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>default_bridges pci-bridge devices on pcie.0, with windows reserved for hot-plugged devices.</summary>
public sealed record PciBridges(uint Count) : IQemuDevice
{
    /// <summary>The root bus slot of the first bridge; the others follow it.</summary>
    public const int FirstSlot = 2;

    public void AppendTo(QemuArguments arguments)
    {
        for (uint i = 0; i < Count; i++)
        {
            arguments.Device($"pci-bridge,bus=pcie.0,id=pci-bridge-{i},chassis_nr={i + 1},shpc=off,addr={FirstSlot + i},io-reserve=4k,mem-reserve=1m,pref64-reserve=1m");
        }
    }
}
