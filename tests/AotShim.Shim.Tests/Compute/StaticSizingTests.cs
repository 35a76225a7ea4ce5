using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Annotations;
using AotShim.Shim.Compute;
using AotShim.Shim.Config;

namespace AotShim.Shim.Tests.Compute;

/// <summary>static_sandbox_resource_mgmt: the boot size from the CRI sandbox annotations, or a lone container's limits.</summary>
public sealed class StaticSizingTests
{
    private static Spec Sandbox(params (string Key, string Value)[] annotations)
    {
        var spec = new Spec { Annotations = { ["io.kubernetes.cri.container-type"] = "sandbox" } };
        foreach ((string key, string value) in annotations)
        {
            spec.Annotations[key] = value;
        }

        return spec;
    }

    [Fact]
    public void The_sandbox_annotations_give_the_workload()
    {
        Spec spec = Sandbox((StaticSizing.SandboxCpuQuota, "200000"), (StaticSizing.SandboxCpuPeriod, "100000"), (StaticSizing.SandboxMemory, "268435456"));

        Assert.Equal(new WorkloadSize(2, 256), StaticSizing.Workload(spec));
    }

    [Fact]
    public void Absent_or_unconstrained_annotations_add_nothing() =>
        Assert.Equal(WorkloadSize.None, StaticSizing.Workload(Sandbox((StaticSizing.SandboxCpuQuota, "-1"), (StaticSizing.SandboxCpuPeriod, "100000"))));

    [Theory]
    [InlineData(StaticSizing.SandboxCpuQuota, "2.5")]
    [InlineData(StaticSizing.SandboxCpuPeriod, "")]
    [InlineData(StaticSizing.SandboxMemory, "256Mi")]
    public void A_non_integer_annotation_is_refused_by_name(string key, string value)
    {
        var e = Assert.Throws<AnnotationException>(() => StaticSizing.Workload(Sandbox((key, value))));

        Assert.Equal(key, e.Annotation);
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void A_lone_container_is_sized_by_its_own_limits()
    {
        var spec = new Spec
        {
            Linux = new Linux { Resources = new LinuxResources { CPU = new LinuxCPU { Quota = 150_000, Period = 100_000 }, Memory = new LinuxMemory { Limit = 1 << 28 } } },
        };

        Assert.Equal(new WorkloadSize(2, 256), StaticSizing.Workload(spec));
    }

    [Fact]
    public void Apply_grows_the_boot_defaults_and_lifts_lower_maximums()
    {
        var configuration = new Configuration { Hypervisor = new QemuConfig { DefaultVcpus = 1, DefaultMaxVcpus = 2, DefaultMemory = 512, DefaultMaxMemory = 600 } };

        QemuConfig h = StaticSizing.Apply(configuration, new WorkloadSize(2, 256)).Hypervisor;

        Assert.Equal((3, 3u, 768u, 768ul), (h.DefaultVcpus, h.DefaultMaxVcpus, h.DefaultMemory, h.DefaultMaxMemory));
    }

    [Fact]
    public void Apply_leaves_host_wide_maximums_alone()
    {
        QemuConfig h = StaticSizing.Apply(new Configuration { Hypervisor = new QemuConfig { DefaultVcpus = 1, DefaultMemory = 2048 } }, new WorkloadSize(2, 256)).Hypervisor;

        Assert.Equal((3, 0u, 2304u, 0ul), (h.DefaultVcpus, h.DefaultMaxVcpus, h.DefaultMemory, h.DefaultMaxMemory));
    }
}
