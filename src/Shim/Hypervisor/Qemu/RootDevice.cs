namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>Where the guest's root filesystem comes from.</summary>
public enum RootDevice
{
    Pmem,
    VirtioBlk,
    Initrd,
}
