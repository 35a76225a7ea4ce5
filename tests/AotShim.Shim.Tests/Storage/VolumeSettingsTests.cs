using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Config;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Tests.Storage;

/// <summary>The configuration keys that decide volumes and plugging, read from one sandbox's effective configuration.</summary>
public sealed class VolumeSettingsTests
{
    [Fact]
    public void Volume_settings_come_from_the_runtime_and_hypervisor_keys_and_the_sandbox_spec()
    {
        var configuration = new Configuration
        {
            Runtime = new RuntimeConfig { DisableGuestEmptyDir = true },
            Hypervisor = new QemuConfig { DisableBlockDeviceUse = true },
        };
        var spec = new Spec { Mounts = { new Mount { Destination = "/dev/shm", Source = "shm", Type = "tmpfs" } } };

        Assert.Equal(
            new VolumeSettings("pod") { DisableGuestEmptyDir = true, DisableBlockDeviceUse = true, ShmSize = SandboxShm.DefaultSize },
            VolumeSettings.From("pod", configuration, spec));
    }

    [Fact]
    public void Hotplug_options_take_the_driver_aio_and_cache_keys_and_leave_cache_unset_unless_block_device_cache_set()
    {
        PciHotplugBus bridge = PciHotplugBus.Bridge("pci-bridge-0", 2);
        var h = new QemuConfig { BlockDeviceDriver = "virtio-blk", BlockDeviceAio = "threads", BlockDeviceCacheDirect = true, BlockDeviceCacheNoflush = true };

        BlockHotplugOptions options = BlockHotplugOptions.From(h, [bridge]);

        Assert.Equal(("virtio-blk", "threads", false, true, true, "scsi0.0"), (options.Driver, options.Aio, options.CacheSet, options.CacheDirect, options.CacheNoFlush, options.ScsiBus));
        Assert.Equal([new PciHotplugBus("pci-bridge-0", "02", 1, 30)], options.PciBuses);
        Assert.Null(BlockHotplugOptions.From(h with { BlockDeviceAio = "" }, []).Aio);
    }
}
