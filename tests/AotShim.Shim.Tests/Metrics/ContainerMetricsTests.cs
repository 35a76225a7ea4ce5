using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Metrics;
using AotShim.Shim.Metrics.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Tests.Metrics;

public sealed class ContainerMetricsTests
{
    [Fact]
    public void The_answer_is_containerds_cgroup_v1_Metrics_under_its_bare_type_name()
    {
        Any any = ContainerMetrics.ToAny(new StatsContainerResponse { CgroupStats = new CgroupStats { PidsStats = new PidsStats { Current = 3 } } });

        Assert.Equal("io.containerd.cgroups.v1.Metrics", any.TypeUrl);
        Assert.Equal(3ul, AotShim.Shim.Metrics.Protocol.Metrics.Parser.ParseFrom(any.Value).Pids.Current);
    }

    [Fact]
    public void Cpu_pids_memory_entries_blkio_hugetlb_and_network_carry_over_field_by_field()
    {
        var cgroup = new CgroupStats
        {
            CpuStats = new CpuStats
            {
                CpuUsage = new CpuUsage { TotalUsage = 900, UsageInKernelmode = 300, UsageInUsermode = 600, PercpuUsage = { 400, 500 } },
                ThrottlingData = new ThrottlingData { Periods = 10, ThrottledPeriods = 2, ThrottledTime = 77 },
            },
            PidsStats = new PidsStats { Current = 4, Limit = 1024 },
            MemoryStats = new MemoryStats
            {
                Usage = new MemoryData { Usage = 5 << 20, MaxUsage = 6 << 20, Failcnt = 1, Limit = 256 << 20 },
                SwapUsage = new MemoryData { Usage = 7 },
                KernelUsage = new MemoryData { Usage = 8, Limit = 9 },
            },
            BlkioStats = new BlkioStats { IoServiceBytesRecursive = { new BlkioStatsEntry { Major = 254, Minor = 16, Op = "Read", Value = 4096 } } },
            HugetlbStats = { ["2MB"] = new HugetlbStats { Usage = 11, MaxUsage = 12, Failcnt = 13 } },
        };
        var stats = new StatsContainerResponse
        {
            CgroupStats = cgroup,
            NetworkStats = { new NetworkStats { Name = "eth0", RxBytes = 1, RxPackets = 2, RxErrors = 3, RxDropped = 4, TxBytes = 5, TxPackets = 6, TxErrors = 7, TxDropped = 8 } },
        };

        AotShim.Shim.Metrics.Protocol.Metrics metrics = ContainerMetrics.From(stats);

        Assert.Equal(new CPUStat
        {
            Usage = new CPUUsage { Total = 900, Kernel = 300, User = 600, PerCpu = { 400, 500 } },
            Throttling = new Throttle { Periods = 10, ThrottledPeriods = 2, ThrottledTime = 77 },
        }, metrics.Cpu);
        Assert.Equal(new PidsStat { Current = 4, Limit = 1024 }, metrics.Pids);
        Assert.Equal(new MemoryEntry { Usage = 5 << 20, Max = 6 << 20, Failcnt = 1, Limit = 256 << 20 }, metrics.Memory.Usage);
        Assert.Equal(new MemoryEntry { Usage = 7 }, metrics.Memory.Swap);
        Assert.Equal(new MemoryEntry { Usage = 8, Limit = 9 }, metrics.Memory.Kernel);
        Assert.Equal(new BlkIOEntry { Major = 254, Minor = 16, Op = "Read", Value = 4096 }, Assert.Single(metrics.Blkio.IoServiceBytesRecursive));
        Assert.Equal(new HugetlbStat { Usage = 11, Max = 12, Failcnt = 13, Pagesize = "2MB" }, Assert.Single(metrics.Hugetlb));
        Assert.Equal(new NetworkStat { Name = "eth0", RxBytes = 1, RxPackets = 2, RxErrors = 3, RxDropped = 4, TxBytes = 5, TxPackets = 6, TxErrors = 7, TxDropped = 8 }, Assert.Single(metrics.Network));
    }

    [Fact]
    public void Memory_stat_takes_the_total_names_under_use_hierarchy_and_the_plain_ones_without()
    {
        var v1 = new Dictionary<string, ulong>
        {
            ["cache"] = 1, ["rss"] = 2, ["mapped_file"] = 3, ["total_cache"] = 10, ["total_rss"] = 20, ["total_mapped_file"] = 30,
            ["pgfault"] = 40, ["pgmajfault"] = 50, ["total_inactive_file"] = 60,
        };

        MemoryStat hierarchical = Memory(true, v1);
        MemoryStat flat = Memory(false, v1);

        Assert.Equal((10ul, 20ul, 30ul, 40ul, 50ul, 60ul), (hierarchical.Cache, hierarchical.Rss, hierarchical.MappedFile, hierarchical.PgFault, hierarchical.PgMajFault, hierarchical.TotalInactiveFile));
        Assert.Equal((1ul, 2ul, 3ul, 60ul), (flat.Cache, flat.Rss, flat.MappedFile, flat.TotalInactiveFile));
    }

    [Fact]
    public void A_cgroup_v2_guests_memory_stat_names_fill_the_same_fields()
    {
        MemoryStat memory = Memory(true, new Dictionary<string, ulong> { ["file"] = 100, ["anon"] = 200, ["file_mapped"] = 300, ["inactive_file"] = 400, ["pgfault"] = 5, ["pgmajfault"] = 6 });

        Assert.Equal((100ul, 200ul, 300ul, 400ul, 5ul, 6ul), (memory.Cache, memory.Rss, memory.MappedFile, memory.TotalInactiveFile, memory.PgFault, memory.PgMajFault));
    }

    [Fact]
    public void No_cgroup_stats_is_empty_metrics_not_an_error()
    {
        Assert.Equal(new AotShim.Shim.Metrics.Protocol.Metrics(), ContainerMetrics.From(new StatsContainerResponse()));
    }

    private static MemoryStat Memory(bool useHierarchy, Dictionary<string, ulong> stats)
    {
        var memory = new MemoryStats { UseHierarchy = useHierarchy };
        memory.Stats.Add(stats);
        return ContainerMetrics.From(new StatsContainerResponse { CgroupStats = new CgroupStats { MemoryStats = memory } }).Memory;
    }
}
