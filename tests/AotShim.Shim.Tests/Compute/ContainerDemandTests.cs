using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Compute;

namespace AotShim.Shim.Tests.Compute;

/// <summary>Create takes linux.resources as given; Update merges as kata's container.update does.</summary>
public sealed class ContainerDemandTests
{
    [Fact]
    public void Create_reads_quota_period_cpuset_limit_and_hugepages()
    {
        var resources = new LinuxResources
        {
            CPU = new LinuxCPU { Quota = 150_000, Period = 100_000, Cpus = "0-1,4" },
            Memory = new LinuxMemory { Limit = 1 << 28 },
            HugepageLimits = { new LinuxHugepageLimit { Limit = 1 << 21 } },
        };

        Assert.Equal(new ContainerDemand(150_000, 100_000, 3, 1 << 28, 1 << 21), ContainerDemand.From("c", resources));
        Assert.Equal(ContainerDemand.None, ContainerDemand.From("c", null));
    }

    [Fact]
    public void Update_keeps_what_it_leaves_zero_or_empty()
    {
        var created = new ContainerDemand(200_000, 100_000, 2, 1 << 28, 0);

        ContainerDemand updated = created.Updated("c", new LinuxResources { CPU = new LinuxCPU { Quota = 100_000 } });

        Assert.Equal(created with { CpuQuota = 100_000 }, updated);
        Assert.Equal(created with { MemoryLimit = 1 << 29 }, created.Updated("c", new LinuxResources { Memory = new LinuxMemory { Limit = 1 << 29 } }));
        Assert.Equal(created, created.Updated("c", new LinuxResources()));
    }

    [Fact]
    public void A_malformed_cpuset_is_refused_naming_the_container_and_the_field()
    {
        var e = Assert.Throws<ArgumentException>(() => ContainerDemand.From("web", new LinuxResources { CPU = new LinuxCPU { Cpus = "3-1" } }));

        Assert.Contains("container web", e.Message);
        Assert.Contains("linux.resources.cpu.cpus", e.Message);
        Assert.Contains("\"3-1\"", e.Message);
    }
}
