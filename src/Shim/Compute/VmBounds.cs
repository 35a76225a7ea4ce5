using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;
using AotShim.Shim.Hypervisor.Qemu;

namespace AotShim.Shim.Compute;

/// <summary>
/// What the VM boots with and how far hotplug may grow it: the same numbers the QEMU command line gets (-smp
/// BOOT,maxcpus=MAX and -m MEM,slots=N,maxmem=MAX).
/// </summary>
public sealed record VmBounds(uint BootVcpus, uint MaxVcpus, uint BootMemoryMiB, ulong MaxMemoryMiB, uint MemorySlots)
{
    /// <summary>default_vcpus (at least 1) within default_maxvcpus; default_maxvcpus and default_maxmemory of 0 mean the host's (kata's rule).</summary>
    public static VmBounds For(QemuConfig h, HostFacts host)
    {
        uint maxVcpus = QemuCommandLineBuilder.MaxVcpus(h, host);
        return new VmBounds(
            Math.Min((uint)Math.Max(1, h.DefaultVcpus), maxVcpus),
            maxVcpus,
            h.DefaultMemory,
            Math.Max(h.DefaultMaxMemory > 0 ? h.DefaultMaxMemory : host.MemoryMiB, h.DefaultMemory),
            h.MemorySlots);
    }

    /// <summary>Boot vCPUs plus the workload's, capped at the maximum.</summary>
    public uint TargetVcpus(WorkloadSize workload) => (uint)Math.Min((ulong)BootVcpus + workload.Vcpus, MaxVcpus);

    /// <summary>Boot memory plus the workload's, capped at the maximum.</summary>
    public ulong TargetMemoryMiB(WorkloadSize workload) =>
        MaxMemoryMiB - BootMemoryMiB < workload.MemoryMiB ? MaxMemoryMiB : BootMemoryMiB + workload.MemoryMiB;
}
