using AotShim.Shim.Agent.Protocol;

namespace AotShim.Shim.Compute;

/// <summary>
/// What one container asks of the VM, from its linux.resources: CFS quota and period, cpuset size, memory limit and
/// hugepage limits. Negative quota or limit means unconstrained (the runtime spec's -1) and asks for nothing.
/// </summary>
public sealed record ContainerDemand(long CpuQuota, ulong CpuPeriod, int CpusetCpus, long MemoryLimit, ulong HugepageBytes)
{
    public static readonly ContainerDemand None = new(0, 0, 0, 0, 0);

    /// <summary>The bytes of guest memory this container adds: its limit plus its hugepage limits.</summary>
    public ulong MemoryBytes => (MemoryLimit > 0 ? (ulong)MemoryLimit : 0) + HugepageBytes;

    /// <summary>Create: the resources as given.</summary>
    public static ContainerDemand From(string containerId, LinuxResources? resources)
    {
        ulong hugepages = 0;
        foreach (LinuxHugepageLimit limit in resources?.HugepageLimits ?? [])
        {
            hugepages += limit.Limit;
        }

        return None.Updated(containerId, resources) with { HugepageBytes = hugepages };
    }

    /// <summary>
    /// Update, as kata merges it: a zero quota or period, an empty cpuset and an absent or zero memory limit keep the
    /// previous value; hugepage limits are not updatable.
    /// </summary>
    public ContainerDemand Updated(string containerId, LinuxResources? resources)
    {
        LinuxCPU? cpu = resources?.CPU;
        long? limit = resources?.Memory?.Limit;
        return new ContainerDemand(
            cpu is { Quota: not 0 } ? cpu.Quota : CpuQuota,
            cpu is { Period: not 0 } ? cpu.Period : CpuPeriod,
            cpu is { Cpus.Length: > 0 } ? CountCpus(containerId, cpu.Cpus) : CpusetCpus,
            limit is long given and not 0 ? given : MemoryLimit,
            HugepageBytes);
    }

    private static int CountCpus(string containerId, string cpus)
    {
        try
        {
            return CpuList.Count(cpus);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"container {containerId}: linux.resources.cpu.cpus: {e.Message}", e);
        }
    }
}
