using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Metrics.Protocol;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Metrics;

/// <summary>
/// The agent's StatsContainer answer as containerd's cgroup v1 Metrics, kata's mapping: what `ctr task metrics` prints
/// and what CRI turns into kubelet's container stats.
/// </summary>
public static class ContainerMetrics
{
    public static Any ToAny(StatsContainerResponse stats)
    {
        Protocol.Metrics metrics = From(stats);
        return new Any { TypeUrl = Protocol.Metrics.Descriptor.FullName, Value = metrics.ToByteString() };
    }

    public static Protocol.Metrics From(StatsContainerResponse stats)
    {
        var metrics = new Protocol.Metrics();
        if (stats.CgroupStats is { } cgroup)
        {
            metrics.Pids = new PidsStat { Current = cgroup.PidsStats?.Current ?? 0, Limit = cgroup.PidsStats?.Limit ?? 0 };
            metrics.Cpu = Cpu(cgroup.CpuStats ?? new CpuStats());
            metrics.Memory = Memory(cgroup.MemoryStats ?? new MemoryStats());
            metrics.Blkio = Blkio(cgroup.BlkioStats ?? new BlkioStats());
            foreach ((string pageSize, HugetlbStats hugetlb) in cgroup.HugetlbStats)
            {
                metrics.Hugetlb.Add(new HugetlbStat { Usage = hugetlb.Usage, Max = hugetlb.MaxUsage, Failcnt = hugetlb.Failcnt, Pagesize = pageSize });
            }
        }

        foreach (NetworkStats network in stats.NetworkStats)
        {
            metrics.Network.Add(new NetworkStat
            {
                Name = network.Name,
                RxBytes = network.RxBytes,
                RxPackets = network.RxPackets,
                RxErrors = network.RxErrors,
                RxDropped = network.RxDropped,
                TxBytes = network.TxBytes,
                TxPackets = network.TxPackets,
                TxErrors = network.TxErrors,
                TxDropped = network.TxDropped,
            });
        }

        return metrics;
    }

    private static CPUStat Cpu(CpuStats cpu)
    {
        CpuUsage usage = cpu.CpuUsage ?? new CpuUsage();
        ThrottlingData throttling = cpu.ThrottlingData ?? new ThrottlingData();
        var stat = new CPUStat
        {
            Usage = new CPUUsage { Total = usage.TotalUsage, Kernel = usage.UsageInKernelmode, User = usage.UsageInUsermode },
            Throttling = new Throttle { Periods = throttling.Periods, ThrottledPeriods = throttling.ThrottledPeriods, ThrottledTime = throttling.ThrottledTime },
        };
        stat.Usage.PerCpu.Add(usage.PercpuUsage);
        return stat;
    }

    /// <summary>
    /// memory.stat's v1 names (the total_ ones under use_hierarchy) as kata reads them; a cgroup v2 guest has the v2
    /// names instead (file, anon, file_mapped, inactive_file), so kubelet's working set still leaves out the page cache.
    /// </summary>
    private static MemoryStat Memory(MemoryStats memory)
    {
        MapField<string, ulong> stats = memory.Stats;
        string prefix = memory.UseHierarchy ? "total_" : "";
        return new MemoryStat
        {
            Cache = Stat(stats, prefix + "cache", "file") ?? memory.Cache,
            Rss = Stat(stats, prefix + "rss", "anon") ?? 0,
            MappedFile = Stat(stats, prefix + "mapped_file", "file_mapped") ?? 0,
            PgFault = Stat(stats, "pgfault", "pgfault") ?? 0,
            PgMajFault = Stat(stats, "pgmajfault", "pgmajfault") ?? 0,
            TotalInactiveFile = Stat(stats, "total_inactive_file", "inactive_file") ?? 0,
            Usage = Entry(memory.Usage),
            Swap = Entry(memory.SwapUsage),
            Kernel = Entry(memory.KernelUsage),
        };
    }

    private static ulong? Stat(MapField<string, ulong> stats, string v1, string v2) =>
        stats.TryGetValue(v1, out ulong value) || stats.TryGetValue(v2, out value) ? value : null;

    private static MemoryEntry Entry(MemoryData? data) =>
        data is null ? new MemoryEntry() : new MemoryEntry { Limit = data.Limit, Usage = data.Usage, Max = data.MaxUsage, Failcnt = data.Failcnt };

    private static BlkIOStat Blkio(BlkioStats blkio)
    {
        var stat = new BlkIOStat();
        Copy(blkio.IoServiceBytesRecursive, stat.IoServiceBytesRecursive);
        Copy(blkio.IoServicedRecursive, stat.IoServicedRecursive);
        Copy(blkio.IoQueuedRecursive, stat.IoQueuedRecursive);
        Copy(blkio.IoServiceTimeRecursive, stat.IoServiceTimeRecursive);
        Copy(blkio.IoWaitTimeRecursive, stat.IoWaitTimeRecursive);
        Copy(blkio.IoMergedRecursive, stat.IoMergedRecursive);
        Copy(blkio.IoTimeRecursive, stat.IoTimeRecursive);
        Copy(blkio.SectorsRecursive, stat.SectorsRecursive);
        return stat;
    }

    private static void Copy(RepeatedField<BlkioStatsEntry> from, RepeatedField<BlkIOEntry> to)
    {
        foreach (BlkioStatsEntry entry in from)
        {
            to.Add(new BlkIOEntry { Op = entry.Op, Major = entry.Major, Minor = entry.Minor, Value = entry.Value });
        }
    }
}
