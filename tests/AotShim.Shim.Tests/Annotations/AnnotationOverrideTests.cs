using AotShim.Shim.Annotations;
using AotShim.Shim.Config;

namespace AotShim.Shim.Tests.Annotations;

public sealed class AnnotationOverrideTests
{
    private const string Qemu = "hypervisor.qemu";
    private const string Agent = "agent.kata";
    private const string Runtime = "runtime";

    /// <summary>Every annotation of the seed: (annotation, value, table, config key, effective value). {dir} is an allowed directory.</summary>
    public static TheoryData<string, string, string, string, string> Seed => new()
    {
        { "hypervisor.block_device_cache_direct", "true", Qemu, "block_device_cache_direct", "true" },
        { "hypervisor.block_device_cache_noflush", "1", Qemu, "block_device_cache_noflush", "true" },
        { "hypervisor.block_device_cache_set", "T", Qemu, "block_device_cache_set", "true" },
        { "hypervisor.block_device_driver", "virtio-blk", Qemu, "block_device_driver", "\"virtio-blk\"" },
        { "hypervisor.cpu_features", "pmu=off,vmx=off", Qemu, "cpu_features", "\"pmu=off,vmx=off\"" },
        { "hypervisor.ctlpath", "{dir}/acrnctl", Qemu, "ctlpath", "\"{dir}/acrnctl\"" },
        { "hypervisor.default_max_vcpus", "8", Qemu, "default_maxvcpus", "8" },
        { "hypervisor.default_memory", "4096", Qemu, "default_memory", "4096" },
        { "hypervisor.default_vcpus", "2", Qemu, "default_vcpus", "2" },
        { "hypervisor.disable_block_device_use", "true", Qemu, "disable_block_device_use", "true" },
        { "hypervisor.disable_image_nvdimm", "true", Qemu, "disable_image_nvdimm", "true" },
        { "hypervisor.disable_vhost_net", "true", Qemu, "disable_vhost_net", "true" },
        { "hypervisor.enable_hugepages", "true", Qemu, "enable_hugepages", "true" },
        { "hypervisor.enable_iommu_platform", "true", Qemu, "enable_iommu_platform", "true" },
        { "hypervisor.enable_iommu", "true", Qemu, "enable_iommu", "true" },
        { "hypervisor.enable_iothreads", "true", Qemu, "enable_iothreads", "true" },
        { "hypervisor.enable_mem_prealloc", "true", Qemu, "enable_mem_prealloc", "true" },
        { "hypervisor.enable_swap", "true", Qemu, "enable_guest_swap", "true" },
        { "hypervisor.enable_vhost_user_store", "true", Qemu, "enable_vhost_user_store", "true" },
        { "hypervisor.enable_virtio_mem", "true", Qemu, "enable_virtio_mem", "true" },
        { "hypervisor.entropy_source", "{dir}/hwrng", Qemu, "entropy_source", "\"{dir}/hwrng\"" },
        { "hypervisor.file_mem_backend", "{dir}/hugepages", Qemu, "file_mem_backend", "\"{dir}/hugepages\"" },
        { "hypervisor.firmware", "{dir}/OVMF.fd", Qemu, "firmware", "\"{dir}/OVMF.fd\"" },
        { "hypervisor.guest_hook_path", "/usr/share/oci/hooks", Qemu, "guest_hook_path", "\"/usr/share/oci/hooks\"" },
        { "hypervisor.hotplug_vfio_on_root_bus", "true", Qemu, "hotplug_vfio_on_root_bus", "true" },
        { "hypervisor.image", "{dir}/guest.img", Qemu, "image", "\"{dir}/guest.img\"" },
        { "hypervisor.initrd", "{dir}/initrd.img", Qemu, "initrd", "\"{dir}/initrd.img\"" },
        { "hypervisor.jailer_path", "{dir}/jailer", Qemu, "jailer_path", "\"{dir}/jailer\"" },
        { "hypervisor.kernel_params", "quiet agent.log=debug", Qemu, "kernel_params", "\"quiet agent.log=debug\"" },
        { "hypervisor.kernel", "{dir}/vmlinuz", Qemu, "kernel", "\"{dir}/vmlinuz\"" },
        { "hypervisor.machine_accelerators", "nosmm,nosmbus", Qemu, "machine_accelerators", "\"nosmm,nosmbus\"" },
        { "hypervisor.machine_type", "virt", Qemu, "machine_type", "\"virt\"" },
        { "hypervisor.memory_offset", "8589934592", Qemu, "memory_offset", "8589934592" },
        { "hypervisor.memory_slots", "20", Qemu, "memory_slots", "20" },
        { "hypervisor.msize_9p", "65536", Qemu, "msize_9p", "65536" },
        { "hypervisor.path", "{dir}/qemu-system", Qemu, "path", "\"{dir}/qemu-system\"" },
        { "hypervisor.pcie_root_port", "2", Qemu, "pcie_root_port", "2" },
        { "hypervisor.shared_fs", "virtio-9p", Qemu, "shared_fs", "\"virtio-9p\"" },
        { "hypervisor.vhost_user_store_path", "{dir}/vhost-user", Qemu, "vhost_user_store_path", "\"{dir}/vhost-user\"" },
        { "hypervisor.virtio_fs_cache_size", "64", Qemu, "virtio_fs_cache_size", "64" },
        { "hypervisor.virtio_fs_cache", "always", Qemu, "virtio_fs_cache", "\"always\"" },
        { "hypervisor.virtio_fs_daemon", "{dir}/virtiofsd", Qemu, "virtio_fs_daemon", "\"{dir}/virtiofsd\"" },
        { "hypervisor.virtio_fs_extra_args", "[\"--thread-pool-size=2\",\"-o\",\"announce_submounts\"]", Qemu, "virtio_fs_extra_args", "[\"--thread-pool-size=2\",\"-o\",\"announce_submounts\"]" },
        { "agent.enable_tracing", "true", Agent, "enable_tracing", "true" },
        { "agent.container_pipe_size", "65536", Agent, "container_pipe_size", "65536" },
        { "agent.kernel_modules", "e1000e InterruptThrottleRate=3000,3000,3000 EEE=1; i915 enable_ppgtt=0", Agent, "kernel_modules", "[\"e1000e InterruptThrottleRate=3000,3000,3000 EEE=1\",\"i915 enable_ppgtt=0\"]" },
        { "agent.trace_mode", "static", Agent, "trace_mode", "\"static\"" },
        { "agent.trace_type", "isolated", Agent, "trace_type", "\"isolated\"" },
        { "runtime.disable_guest_seccomp", "false", Runtime, "disable_guest_seccomp", "false" },
        { "runtime.disable_new_netns", "true", Runtime, "disable_new_netns", "true" },
        { "runtime.internetworking_model", "macvtap", Runtime, "internetworking_model", "\"macvtap\"" },
        { "runtime.sandbox_cgroup_only", "true", Runtime, "sandbox_cgroup_only", "true" },
        { "runtime.enable_pprof", "true", Runtime, "enable_pprof", "true" },
        { "runtime.experimental", "", Runtime, "experimental", "[]" },
    };

    [Theory]
    [MemberData(nameof(Seed))]
    public void An_enabled_annotation_overrides_its_key_on_the_sandbox_copy(string annotation, string value, string table, string key, string expected)
    {
        using var dir = AllowedDirectory();
        Configuration original = AnnotationTestConfig.AllEnabled(dir.Path);
        string before = AnnotationTestConfig.Effective(original, table, key);

        AnnotatedConfiguration result = SandboxAnnotations.Apply(original, Annotate(annotation, value.Replace("{dir}", dir.Path)));

        Assert.Equal(expected.Replace("{dir}", dir.Path), AnnotationTestConfig.Effective(result.Configuration, table, key));
        Assert.Equal(before, AnnotationTestConfig.Effective(original, table, key));
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [MemberData(nameof(Seed))]
    public void An_annotation_no_enable_annotations_regex_matches_is_refused(string annotation, string value, string table, string key, string expected)
    {
        _ = (table, key, expected);
        using var dir = AllowedDirectory();
        Configuration configuration = AnnotationTestConfig.AllEnabled(dir.Path);
        configuration = configuration with { Hypervisor = configuration.Hypervisor with { EnableAnnotations = ["^nothing_matches_this$"] } };
        string name = "io.katacontainers.config." + annotation;

        var e = Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(configuration, Annotate(annotation, value.Replace("{dir}", dir.Path))));

        Assert.Equal(name, e.Annotation);
        Assert.Contains($"annotation {name}=", e.Message);
        Assert.Contains("not enabled", e.Message);
    }

    [Fact]
    public void The_seed_configuration_enables_only_its_listed_annotations_with_unanchored_regexes()
    {
        Configuration seed = ConfigLoader.Load(Repo.Fixture("seed-arm64-configuration.toml")).Configuration;

        Assert.Equal(4, SandboxAnnotations.Apply(seed, Annotate("hypervisor.default_vcpus", "4")).Configuration.Hypervisor.DefaultVcpus);
        Assert.Equal("quiet", SandboxAnnotations.Apply(seed, Annotate("hypervisor.kernel_params", "quiet")).Configuration.Hypervisor.KernelParams);
        Assert.True(SandboxAnnotations.Apply(seed, Annotate("runtime.sandbox_cgroup_only", "false")).Configuration.Runtime.SandboxCgroupOnly is false);
        Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(seed, Annotate("hypervisor.default_memory", "4096")));
        Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(seed, Annotate("agent.container_pipe_size", "65536")));

        // Unanchored, as in kata: the entry "kernel" also enables agent.kernel_modules.
        Assert.Equal(["e1000e"], SandboxAnnotations.Apply(seed, Annotate("agent.kernel_modules", "e1000e")).Configuration.Agent.KernelModules);
        Assert.True(SandboxAnnotations.IsEnabled(["vcpus"], "default_max_vcpus"));
        Assert.True(SandboxAnnotations.IsEnabled(["^default_"], "default_memory"));
        Assert.False(SandboxAnnotations.IsEnabled(["^vcpus$"], "default_vcpus"));
        Assert.False(SandboxAnnotations.IsEnabled([], "default_vcpus"));
    }

    [Fact]
    public void An_empty_guest_hook_path_annotation_keeps_the_configured_path_as_kata_does()
    {
        using var dir = AllowedDirectory();
        Configuration configuration = AnnotationTestConfig.AllEnabled(dir.Path);
        configuration = configuration with { Hypervisor = configuration.Hypervisor with { GuestHookPath = "/usr/share/oci/hooks" } };

        var result = SandboxAnnotations.Apply(configuration, Annotate("hypervisor.guest_hook_path", ""));

        Assert.Equal("/usr/share/oci/hooks", result.Configuration.Hypervisor.GuestHookPath);
    }

    [Fact]
    public void Kernel_modules_split_on_semicolons_and_drop_empty_entries()
    {
        using var dir = AllowedDirectory();

        var result = SandboxAnnotations.Apply(AnnotationTestConfig.AllEnabled(dir.Path), Annotate("agent.kernel_modules", " e1000e ;; i915 enable_ppgtt=0 ;"));

        Assert.Equal(["e1000e", "i915 enable_ppgtt=0"], result.Configuration.Agent.KernelModules);
    }

    [Fact]
    public void Annotations_of_other_families_and_unknown_names_are_left_alone()
    {
        using var dir = AllowedDirectory();
        Configuration configuration = AnnotationTestConfig.AllEnabled(dir.Path);
        var annotations = new Dictionary<string, string>
        {
            ["io.kubernetes.cri.sandbox-id"] = "abc",
            ["io.katacontainers.pkg.oci.container_type"] = "pod_sandbox",
            ["io.katacontainers.config.hypervisor.default_gpus"] = "1",
        };

        AnnotatedConfiguration result = SandboxAnnotations.Apply(configuration, annotations);

        Assert.Equal(configuration, result.Configuration);
        Assert.Equal(["annotation io.katacontainers.config.hypervisor.default_gpus is not known to this runtime and was ignored"], result.Warnings);
    }

    [Fact]
    public void Image_and_initrd_annotations_together_are_refused()
    {
        using var dir = AllowedDirectory();
        var annotations = new Dictionary<string, string>
        {
            ["io.katacontainers.config.hypervisor.image"] = dir.Path + "/guest.img",
            ["io.katacontainers.config.hypervisor.initrd"] = dir.Path + "/initrd.img",
        };

        var e = Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(AnnotationTestConfig.AllEnabled(dir.Path), annotations));

        Assert.Contains("io.katacontainers.config.hypervisor.initrd", e.Message);
    }

    [Fact]
    public void Annotations_that_leave_the_configuration_invalid_are_refused()
    {
        using var dir = AllowedDirectory();
        var annotations = new Dictionary<string, string>
        {
            ["io.katacontainers.config.hypervisor.default_vcpus"] = "8",
            ["io.katacontainers.config.hypervisor.default_max_vcpus"] = "4",
        };

        var e = Assert.Throws<ConfigException>(() => SandboxAnnotations.Apply(AnnotationTestConfig.AllEnabled(dir.Path), annotations));

        Assert.Contains("default_vcpus = 8 exceeds default_maxvcpus = 4", e.Message);
    }

    internal static Dictionary<string, string> Annotate(string annotation, string value) =>
        new() { ["io.katacontainers.config." + annotation] = value };

    internal static TempDirectory AllowedDirectory()
    {
        var dir = new TempDirectory();
        foreach (string file in new[] { "acrnctl", "hwrng", "OVMF.fd", "guest.img", "initrd.img", "jailer", "vmlinuz", "qemu-system", "virtiofsd" })
        {
            dir.File(file, file);
        }

        Directory.CreateDirectory(Path.Combine(dir.Path, "hugepages"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "vhost-user"));
        return dir;
    }
}
