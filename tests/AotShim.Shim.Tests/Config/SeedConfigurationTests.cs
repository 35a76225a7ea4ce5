using AotShim.Shim.Config;
using Tomlyn;
using Tomlyn.Model;

namespace AotShim.Shim.Tests.Config;

public sealed class SeedConfigurationTests
{
    public static TheoryData<string> KataFiles => new()
    {
        "seed-arm64-configuration.toml",
        "kata-3.4.0-configuration-qemu-amd64.toml",
        "kata-3.4.0-configuration-qemu-arm64.toml",
    };

    [Theory]
    [MemberData(nameof(KataFiles))]
    public void Every_value_of_the_file_is_the_effective_value(string fixture)
    {
        string path = Repo.Fixture(fixture);
        TomlTable expected = TomlValues.Parse(File.ReadAllText(path));

        LoadedConfiguration loaded = ConfigLoader.Load(path);
        TomlTable actual = TomlValues.Parse(TomlSerializer.Serialize(loaded.Configuration.ToFile(), ConfigTomlContext.Default.ConfigurationFile));

        int compared = 0;
        foreach (string section in new[] { "hypervisor.qemu", "agent.kata", "runtime", "factory" })
        {
            foreach (var (key, value) in TomlValues.Table(expected, section))
            {
                Assert.True(TomlValues.Table(actual, section).TryGetValue(key, out object? effective), $"[{section}] {key} is missing from the effective configuration");
                Assert.Equal($"[{section}] {key} = {TomlValues.Canonical(value)}", $"[{section}] {key} = {TomlValues.Canonical(effective)}");
                compared++;
            }
        }

        Assert.True(compared > 40, $"only {compared} keys compared");
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void Keys_the_seed_leaves_out_take_the_seed_defaults()
    {
        Configuration c = ConfigLoader.Load(Repo.Fixture("seed-arm64-configuration.toml")).Configuration;

        Assert.Equal(10u, c.Hypervisor.MemorySlots);
        Assert.Equal(0ul, c.Hypervisor.MemoryOffset);
        Assert.Equal(8192u, c.Hypervisor.Msize9p);
        Assert.Equal("/dev/urandom", c.Hypervisor.EntropySource);
        Assert.Equal(0u, c.Hypervisor.PcieRootPort);
        Assert.False(c.Hypervisor.EnableVirtioMem);
        Assert.False(c.Hypervisor.EnableIommu);
        Assert.False(c.Hypervisor.DisableImageNvdimm);
        Assert.Equal(0ul, c.Hypervisor.RxRateLimiterMaxRate);
        Assert.Equal("", c.Hypervisor.GuestHookPath);
        Assert.Equal("guest-kernel", c.Runtime.VfioMode);
        Assert.Equal("/run/vc/vm/template", c.Factory.TemplatePath);
        Assert.Equal("/var/run/kata-containers/cache.sock", c.Factory.VmCacheEndpoint);
        Assert.Equal(0u, c.Factory.VmCacheNumber);
        Assert.Equal(45u, c.Agent.DialTimeout);
        Assert.False(c.Runtime.DisableNewNetns);
    }

    [Fact]
    public void Built_in_defaults_follow_the_seed_table()
    {
        var h = new QemuConfig();
        var r = new RuntimeConfig();

        Assert.Equal(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "virt" : "q35", h.MachineType);
        Assert.Equal(1, h.DefaultVcpus);
        Assert.Equal(0u, h.DefaultMaxVcpus);
        Assert.Equal(2048u, h.DefaultMemory);
        Assert.Equal(10u, h.MemorySlots);
        Assert.Equal(1u, h.DefaultBridges);
        Assert.Equal("virtio-scsi", h.BlockDeviceDriver);
        Assert.Equal("none", h.VirtioFsCache);
        Assert.Equal(8192u, h.Msize9p);
        Assert.Equal("/dev/urandom", h.EntropySource);
        Assert.Equal("/var/run/kata-containers/vhost-user", h.VhostUserStorePath);
        Assert.Equal(["/dev/urandom", "/dev/random", ""], h.ValidEntropySources);
        Assert.Equal([""], h.ValidFileMemBackends);
        Assert.Equal("tcfilter", r.InternetworkingModel);
        Assert.Equal("guest-kernel", r.VfioMode);
        Assert.Equal("/run/vc/vm/template", new FactoryConfig().TemplatePath);
        Assert.Equal("/var/run/kata-containers/cache.sock", new FactoryConfig().VmCacheEndpoint);
    }

    [Fact]
    public void Kata_amd64_file_keeps_kata_values()
    {
        Configuration c = ConfigLoader.Load(Repo.Fixture("kata-3.4.0-configuration-qemu-amd64.toml")).Configuration;

        Assert.Equal("q35", c.Hypervisor.MachineType);
        Assert.Equal("/usr/bin/qemu-system-x86_64", c.Hypervisor.Path);
        Assert.Equal(["enable_iommu", "virtio_fs_extra_args", "kernel_params"], c.Hypervisor.EnableAnnotations);
        Assert.Equal("io_uring", c.Hypervisor.BlockDeviceAio);
        Assert.Equal(1024u, c.Hypervisor.VirtioFsQueueSize);
        Assert.True(c.Hypervisor.DisableGuestSelinux);
        Assert.Equal(60u, c.Runtime.CreateContainerTimeout);
    }
}
