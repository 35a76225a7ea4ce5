using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Compute;
using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;

namespace AotShim.Shim.Tests.Compute;

/// <summary>kata's updateResources arithmetic: quotas summed exactly and rounded up once, cpusets as a fallback, caps.</summary>
public sealed class WorkloadSizeTests
{
    private const long MiB = 1 << 20;

    private static ContainerDemand Demand(long quota = 0, ulong period = 0, string cpus = "", long memory = 0) =>
        ContainerDemand.From("c", new LinuxResources
        {
            CPU = new LinuxCPU { Quota = quota, Period = period, Cpus = cpus },
            Memory = new LinuxMemory { Limit = memory },
        });

    [Fact]
    public void Quota_200000_over_100000_and_256_MiB_ask_for_2_vcpus_and_256_MiB() =>
        Assert.Equal(new WorkloadSize(2, 256), WorkloadSize.Of([Demand(200_000, 100_000, memory: 256 * MiB)]));

    [Fact]
    public void Fractions_are_summed_before_rounding_up()
    {
        Assert.Equal(1u, WorkloadSize.Of([Demand(50_000, 100_000), Demand(50_000, 100_000)]).Vcpus);
        Assert.Equal(2u, WorkloadSize.Of([Demand(50_000, 100_000), Demand(60_000, 100_000)]).Vcpus);
    }

    [Fact]
    public void Thirds_over_different_periods_add_up_exactly_where_floats_overshoot() =>
        Assert.Equal(2u, WorkloadSize.Of([Demand(100_000, 300_000), Demand(200_000, 300_000), Demand(1_000_000, 1_000_000)]).Vcpus);

    [Fact]
    public void Unconstrained_or_half_given_quotas_ask_for_nothing() =>
        Assert.Equal(WorkloadSize.None, WorkloadSize.Of([Demand(-1, 100_000), Demand(200_000, 0), Demand(memory: -1)]));

    [Fact]
    public void Cpusets_count_only_when_no_container_has_a_quota()
    {
        Assert.Equal(5u, WorkloadSize.Of([Demand(cpus: "0-3"), Demand(cpus: "2")]).Vcpus);
        Assert.Equal(1u, WorkloadSize.Of([Demand(cpus: "0-3"), Demand(100_000, 100_000)]).Vcpus);
    }

    [Fact]
    public void Memory_adds_limits_and_hugepages_rounded_up_to_whole_MiB()
    {
        var resources = new LinuxResources { Memory = new LinuxMemory { Limit = 100 * MiB + 1 } };
        resources.HugepageLimits.Add(new LinuxHugepageLimit { Pagesize = "2MB", Limit = 64 * MiB });

        Assert.Equal(165ul, WorkloadSize.Of([ContainerDemand.From("c", resources)]).MemoryMiB);
    }

    [Fact]
    public void Targets_are_capped_at_the_maximums_and_zero_maximums_mean_the_host()
    {
        var host = new HostFacts(Kvm.HostArchitecture.X64, Cpus: 8, MemoryMiB: 16384, RunningOnHypervisor: false, VhostNetAvailable: false);
        VmBounds capped = VmBounds.For(new QemuConfig { DefaultVcpus = 1, DefaultMaxVcpus = 3, DefaultMemory = 512, DefaultMaxMemory = 1024 }, host);
        VmBounds hostWide = VmBounds.For(new QemuConfig { DefaultVcpus = 1, DefaultMemory = 512 }, host);
        var big = new WorkloadSize(6, 4096);

        Assert.Equal((3u, 1024ul), (capped.TargetVcpus(big), capped.TargetMemoryMiB(big)));
        Assert.Equal((7u, 4608ul), (hostWide.TargetVcpus(big), hostWide.TargetMemoryMiB(big)));
        Assert.Equal((8u, 16384ul), (hostWide.MaxVcpus, hostWide.MaxMemoryMiB));
    }
}
