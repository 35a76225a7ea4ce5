using AotShim.Shim.Config;

namespace AotShim.Shim.Tests.Config;

public sealed class ConfigValidationTests
{
    public static TheoryData<string, string, string> Invalid => new()
    {
        { "block_device_driver = \"floppy\"", "block_device_driver", "\"virtio-scsi\"" },
        { "block_device_aio = \"posix\"", "block_device_aio", "\"io_uring\"" },
        { "shared_fs = \"nfs\"", "shared_fs", "\"virtio-9p\"" },
        { "virtio_fs_cache = \"sometimes\"", "virtio_fs_cache", "\"auto\"" },
        { "machine_type = \"isapc\"", "machine_type", "\"q35\"" },
        { "hot_plug_vfio = \"anywhere\"", "hot_plug_vfio", "\"root-port\"" },
        { "default_vcpus = 4\ndefault_maxvcpus = 2", "default_vcpus", "exceeds default_maxvcpus = 2" },
        { "default_memory = 128", "default_memory", "below the minimum of 256 MiB" },
        { "default_maxmemory = 1024", "default_maxmemory", "below default_memory" },
        { "memory_slots = 1000", "memory_slots", "limit of 256" },
        { "default_bridges = 6", "default_bridges", "maximum of 5" },
        { "msize_9p = 1024", "msize_9p", "outside 4096..1048576" },
        { "msize_9p = 2000000", "msize_9p", "outside 4096..1048576" },
        { "initrd = \"/boot/initrd\"", "initrd", "both image and initrd" },
        { "enable_annotations = [\"(unclosed\"]", "enable_annotations", "not a valid regular expression" },
        { "valid_hypervisor_paths = [\"/usr/bin/[qemu\"]", "valid_hypervisor_paths", "not a valid glob pattern" },
        { "valid_entropy_sources = [\"/dev/\\\\\"]", "valid_entropy_sources", "not a valid glob pattern" },
        { "guest_hook_path = \"usr/share/oci/hooks\"", "guest_hook_path", "not an absolute path in the guest" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_hypervisor_values_name_file_line_key_and_the_allowed_values(string lines, string key, string detail)
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.Qemu(lines));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(path)}:\d+:\d+: \[hypervisor.qemu\] key '{key}'", e.Message);
        Assert.Contains(detail, e.Message);
    }

    [Theory]
    [InlineData("internetworking_model = \"bridged\"", "internetworking_model")]
    [InlineData("vfio_mode = \"passthrough\"", "vfio_mode")]
    [InlineData("experimental = [\"newstore\"]", "experimental")]
    [InlineData("sandbox_bind_mounts = [\"relative/dir\"]", "sandbox_bind_mounts")]
    public void Invalid_runtime_values_name_their_key(string line, string key)
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.With(runtimeLines: line));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Contains($"[runtime] key '{key}'", e.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.Qemu("shared_fs = \"nfs\"", "msize_9p = 1"));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Contains("shared_fs", e.Message);
        Assert.Contains("msize_9p", e.Message);
    }

    [Fact]
    public void A_file_without_a_guest_root_filesystem_is_refused()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", "[hypervisor.qemu]\nkernel = \"/k\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Contains("[hypervisor.qemu] key 'image' (default): neither image nor initrd is set", e.Message);
    }

    [Fact]
    public void Zero_and_empty_values_mean_kata_defaults()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.With(
            qemuLines: "default_vcpus = 0\ndefault_memory = 0\nmemory_slots = 0\nmsize_9p = 0\ndefault_bridges = 0\nblock_device_driver = \"\"\nshared_fs = \"\"\nmachine_type = \"\"\ncpu_features = \" pmu=off, ,vmx=off \"",
            agentLines: "dial_timeout = 0",
            runtimeLines: "internetworking_model = \"\""));

        QemuConfig h = ConfigLoader.Load(path).Configuration.Hypervisor;

        Assert.Equal(1, h.DefaultVcpus);
        Assert.Equal(2048u, h.DefaultMemory);
        Assert.Equal(10u, h.MemorySlots);
        Assert.Equal(8192u, h.Msize9p);
        Assert.Equal(1u, h.DefaultBridges);
        Assert.Equal("virtio-scsi", h.BlockDeviceDriver);
        Assert.Equal("virtio-fs", h.SharedFs);
        Assert.Equal(ConfigDefaults.MachineType, h.MachineType);
        Assert.Equal("pmu=off,vmx=off", h.CpuFeatures);
    }

    [Fact]
    public void Config_d_drop_ins_override_the_file_key_by_key_in_name_order()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.With(qemuLines: "default_memory = 1024\ndefault_vcpus = 2", agentLines: "kernel_modules = [\"a\"]"));
        dir.File("config.d/20-later.toml", "[hypervisor.qemu]\ndefault_memory = 8192\n");
        dir.File("config.d/10-first.toml", "[hypervisor.qemu]\ndefault_memory = 4096\n[agent.kata]\nkernel_modules = [\"b\", \"c\"]\n");

        LoadedConfiguration loaded = ConfigLoader.Load(path);

        Assert.Equal(8192u, loaded.Configuration.Hypervisor.DefaultMemory);
        Assert.Equal(2, loaded.Configuration.Hypervisor.DefaultVcpus);
        Assert.Equal(["b", "c"], loaded.Configuration.Agent.KernelModules);
        Assert.Equal(3, loaded.Files.Count);
    }

    [Fact]
    public void A_bad_drop_in_is_reported_with_its_own_file_and_line()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.Qemu());
        string dropIn = dir.File("config.d/10-bad.toml", "[hypervisor.qemu]\n\ndefault_memory = \"lots\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.StartsWith($"{dropIn}:3:", e.Message);
    }

    [Fact]
    public void An_invalid_value_from_a_drop_in_points_at_the_drop_in()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.Qemu("shared_fs = \"virtio-fs\""));
        string dropIn = dir.File("config.d/10-bad.toml", "[hypervisor.qemu]\nshared_fs = \"nfs\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Contains($"{dropIn}:2:1: [hypervisor.qemu] key 'shared_fs'", e.Message);
    }
}
