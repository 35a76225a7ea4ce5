using System.Security.Cryptography;
using AotShim.Shim.Annotations;
using AotShim.Shim.Config;
using static AotShim.Shim.Tests.Annotations.AnnotationOverrideTests;

namespace AotShim.Shim.Tests.Annotations;

public sealed class AnnotationRefusalTests
{
    public static TheoryData<string, string, string> BadValues => new()
    {
        { "hypervisor.default_vcpus", "two", "expected an unsigned 32-bit integer" },
        { "hypervisor.default_vcpus", "-1", "expected an unsigned 32-bit integer" },
        { "hypervisor.default_vcpus", "0", "must be between 1" },
        { "hypervisor.default_memory", "100", "must be between 256 MiB" },
        { "hypervisor.default_max_vcpus", "4294967296", "out of range" },
        { "hypervisor.memory_offset", "1.5", "expected an unsigned 64-bit integer" },
        { "hypervisor.memory_slots", "0", "must be between 1" },
        { "hypervisor.msize_9p", "1024", "must be between 4096" },
        { "hypervisor.pcie_root_port", " 2", "expected an unsigned 32-bit integer" },
        { "hypervisor.enable_iommu", "yes", "expected a boolean" },
        { "hypervisor.enable_hugepages", "", "expected a boolean" },
        { "hypervisor.block_device_driver", "floppy", "expected one of \"virtio-scsi\"" },
        { "hypervisor.shared_fs", "nfs", "expected one of \"virtio-fs\"" },
        { "hypervisor.virtio_fs_cache", "sometimes", "expected one of" },
        { "hypervisor.machine_type", "isapc", "expected one of" },
        { "hypervisor.virtio_fs_extra_args", "--thread-pool-size=1", "invalid JSON" },
        { "hypervisor.virtio_fs_extra_args", "[1]", "must be a string" },
        { "hypervisor.virtio_fs_extra_args", "{\"a\":1}", "expected a JSON array" },
        { "hypervisor.use_vsock", "false", "always reached over vsock" },
        { "hypervisor.guest_hook_path", "usr/share/oci/hooks", "must be an absolute path in the guest" },
        { "hypervisor.asset_hash_type", "md5", "expected one of \"sha512\"" },
        { "hypervisor.kernel_hash", "abc", "128 hex digits" },
        { "agent.container_pipe_size", "-5", "expected an unsigned 32-bit integer" },
        { "agent.enable_tracing", "on", "expected a boolean" },
        { "runtime.internetworking_model", "bridge", "expected one of \"tcfilter\"" },
        { "runtime.experimental", "newstore", "experimental feature \"newstore\" is not supported" },
        { "runtime.sandbox_cgroup_only", "2", "expected a boolean" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_is_refused_naming_the_annotation_and_the_value(string annotation, string value, string reason)
    {
        using var dir = AllowedDirectory();

        var e = Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(AnnotationTestConfig.AllEnabled(dir.Path), Annotate(annotation, value)));

        Assert.StartsWith($"annotation io.katacontainers.config.{annotation}=\"{value}\": ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    public static TheoryData<string> PathAnnotations => new()
    {
        "path", "jailer_path", "ctlpath", "kernel", "image", "initrd", "firmware", "firmware_volume",
        "virtio_fs_daemon", "entropy_source", "file_mem_backend", "vhost_user_store_path",
    };

    [Theory]
    [MemberData(nameof(PathAnnotations))]
    public void A_path_outside_its_valid_list_is_refused(string name)
    {
        using var allowed = AllowedDirectory();
        using var elsewhere = new TempDirectory();
        string outside = elsewhere.File("evil", "#!/bin/sh\n");

        var e = Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(AnnotationTestConfig.AllEnabled(allowed.Path), Annotate("hypervisor." + name, outside)));

        Assert.Contains("not allowed by valid_", e.Message);
        Assert.Contains(outside, e.Message);
    }

    [Theory]
    [MemberData(nameof(PathAnnotations))]
    public void A_path_annotation_with_an_empty_valid_list_is_refused(string name)
    {
        using var allowed = AllowedDirectory();
        Configuration configuration = AnnotationTestConfig.AllEnabled(allowed.Path) with
        {
            Hypervisor = new QemuConfig { Image = "/usr/share/ecr/ecr-containers.img", EnableAnnotations = [".*"], ValidEntropySources = [], ValidFileMemBackends = [], ValidVhostUserStorePaths = [] },
        };

        var e = Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(configuration, Annotate("hypervisor." + name, allowed.Path + "/vmlinuz")));

        Assert.Contains("is empty, so this annotation cannot name a path", e.Message);
    }

    [Theory]
    [InlineData("{dir}/../{base}/vmlinuz", "without '.' or '..'")]
    [InlineData("{dir}/./vmlinuz", "without '.' or '..'")]
    [InlineData("vmlinuz", "absolute path")]
    [InlineData("{dir}/missing-kernel", "does not exist")]
    [InlineData("{dir}/sub/vmlinuz", "not allowed by valid_kernel_paths")]
    public void Kernel_paths_must_be_plain_absolute_existing_and_listed(string value, string reason)
    {
        using var dir = AllowedDirectory();
        dir.File("sub/vmlinuz", "k");
        string path = value.Replace("{dir}", dir.Path).Replace("{base}", Path.GetFileName(dir.Path));

        var e = Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(AnnotationTestConfig.AllEnabled(dir.Path), Annotate("hypervisor.kernel", path)));

        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void An_empty_entropy_source_is_allowed_only_when_the_list_holds_an_empty_entry()
    {
        using var dir = AllowedDirectory();
        Configuration configuration = AnnotationTestConfig.AllEnabled(dir.Path);

        Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(configuration, Annotate("hypervisor.entropy_source", "")));
        var allowed = configuration with { Hypervisor = configuration.Hypervisor with { ValidEntropySources = ["/dev/urandom", ""] } };
        Assert.Equal("", SandboxAnnotations.Apply(allowed, Annotate("hypervisor.entropy_source", "")).Configuration.Hypervisor.EntropySource);
    }

    [Fact]
    public void Asset_hashes_are_checked_against_the_asset_the_sandbox_will_use()
    {
        using var dir = AllowedDirectory();
        string kernel = dir.File("vmlinuz", "a kernel image");
        string digest = Convert.ToHexStringLower(SHA512.HashData(File.ReadAllBytes(kernel)));
        Configuration configuration = AnnotationTestConfig.AllEnabled(dir.Path);
        var good = new Dictionary<string, string>
        {
            ["io.katacontainers.config.hypervisor.kernel"] = kernel,
            ["io.katacontainers.config.hypervisor.kernel_hash"] = digest,
            ["io.katacontainers.config.hypervisor.asset_hash_type"] = "sha512",
        };

        Assert.Equal(kernel, SandboxAnnotations.Apply(configuration, good).Configuration.Hypervisor.Kernel);

        good["io.katacontainers.config.hypervisor.kernel_hash"] = new string('0', 128);
        var e = Assert.Throws<AnnotationException>(() => SandboxAnnotations.Apply(configuration, good));
        Assert.Contains($"{kernel} has SHA-512 {digest}", e.Message);
    }
}
