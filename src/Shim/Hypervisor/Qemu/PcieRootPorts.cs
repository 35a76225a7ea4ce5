namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>
/// pcie_root_port ports on pcie.0: PCIe hotplug needs one port per device (pcie.0 itself refuses). Each sits at a fixed
/// slot right after the bridges, so the PCI path of a device plugged into it is known without asking QEMU.
/// </summary>
public sealed record PcieRootPorts(uint Count, uint Bridges, bool Q35) : IQemuDevice
{
    /// <summary>The root bus slot of port <paramref name="port"/> behind <paramref name="bridges"/> pci-bridges.</summary>
    public static int SlotOf(uint bridges, uint port) => (int)(PciBridges.FirstSlot + bridges + port);

    public void AppendTo(QemuArguments arguments)
    {
        if (Count > 0 && Q35)
        {
            // q35 defaults root ports to ACPI hotplug, whose unplug waits on guest firmware; native PCIe completes.
            arguments.Add("-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off");
        }

        for (uint i = 0; i < Count; i++)
        {
            arguments.Device($"pcie-root-port,id=rp{i},bus=pcie.0,chassis={Bridges + 1 + i},slot={i},addr={SlotOf(Bridges, i)},multifunction=off,pref64-reserve=2097152B,mem-reserve=4194304B");
        }
    }
}
