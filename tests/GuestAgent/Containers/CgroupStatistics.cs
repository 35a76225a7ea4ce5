using AotShim.Shim.Agent.Protocol;

namespace AotShim.GuestAgent.Containers;

/// <summary>StatsContainer's CgroupStats from the container's cgroup v2 files (cpu.stat in µs, reported in ns as v1 did).</summary>
internal static class CgroupStatistics
{
    public static CgroupStats Read(ContainerCgroup cgroup)
    {
        Dictionary<string, ulong> cpu = KeyValues(cgroup, "cpu.stat");
        Dictionary<string, ulong> memory = KeyValues(cgroup, "memory.stat");
        Dictionary<string, ulong> events = KeyValues(cgroup, "memory.events");
        var stats = new CgroupStats
        {
            CpuStats = new CpuStats
            {
                CpuUsage = new CpuUsage
                {
                    TotalUsage = Get(cpu, "usage_usec") * 1000,
                    UsageInKernelmode = Get(cpu, "system_usec") * 1000,
                    UsageInUsermode = Get(cpu, "user_usec") * 1000,
                },
                ThrottlingData = new ThrottlingData
                {
                    Periods = Get(cpu, "nr_periods"),
                    ThrottledPeriods = Get(cpu, "nr_throttled"),
                    ThrottledTime = Get(cpu, "throttled_usec") * 1000,
                },
            },
            MemoryStats = new MemoryStats
            {
                Cache = Get(memory, "file"),
                Usage = new MemoryData
                {
                    Usage = Number(cgroup, "memory.current"),
                    MaxUsage = Number(cgroup, "memory.peak"),
                    Failcnt = Get(events, "max"),
                    Limit = Number(cgroup, "memory.max"),
                },
                UseHierarchy = true,
            },
            PidsStats = new PidsStats { Current = Number(cgroup, "pids.current"), Limit = Number(cgroup, "pids.max") },
        };
        stats.MemoryStats.Stats.Add(memory);
        return stats;
    }

    /// <summary>A one-number file; "max" (no limit) is reported as 0 and an absent file (no controller) as 0.</summary>
    private static ulong Number(ContainerCgroup cgroup, string name) =>
        cgroup.Has(name) && ulong.TryParse(cgroup.Read(name), out ulong value) ? value : 0;

    private static Dictionary<string, ulong> KeyValues(ContainerCgroup cgroup, string name)
    {
        var values = new Dictionary<string, ulong>();
        if (!cgroup.Has(name))
        {
            return values;
        }

        foreach (string line in cgroup.Read(name).Split('\n'))
        {
            string[] parts = line.Split(' ');
            if (parts.Length == 2 && ulong.TryParse(parts[1], out ulong value))
            {
                values[parts[0]] = value;
            }
        }

        return values;
    }

    private static ulong Get(Dictionary<string, ulong> values, string key) => values.GetValueOrDefault(key);
}
