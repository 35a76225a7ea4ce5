namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>pcie_root_port ports on pcie.0: PCIe hotplug needs one port per device (pcie.0 itself refuses).</summary>
public sealed record PcieRootPorts(uint Count, uint FirstChassis) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        for (uint i = 0; i < Count; i++)
        {
            arguments.Device($"pcie-root-port,id=rp{i},bus=pcie.0,chassis={FirstChassis + i},slot={i},multifunction=off,pref64-reserve=2097152B,mem-reserve=4194304B");
        }
    }
}
