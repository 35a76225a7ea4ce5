using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor.Qemu;

namespace AotShim.Shim.Storage;

/// <summary>How volumes are plugged: block_device_driver, block_device_aio and the block_device_cache_* keys, and where.</summary>
public sealed record BlockHotplugOptions(string Driver)
{
    /// <summary>The file node's aio ("threads", "native", "io_uring"); QEMU's default when null.</summary>
    public string? Aio { get; init; }

    /// <summary>block_device_cache_set: only then are cache.direct and cache.no-flush given.</summary>
    public bool CacheSet { get; init; }

    public bool CacheDirect { get; init; }

    public bool CacheNoFlush { get; init; }

    /// <summary>Buses for virtio-blk, tried in order; virtio-scsi needs none.</summary>
    public IReadOnlyList<PciHotplugBus> PciBuses { get; init; } = [];

    /// <summary>The virtio-scsi controller's bus scsi-hd devices join.</summary>
    public string ScsiBus { get; init; } = ScsiController.Id + ".0";

    public static BlockHotplugOptions From(QemuConfig hypervisor, IReadOnlyList<PciHotplugBus> pciBuses) => new(hypervisor.BlockDeviceDriver)
    {
        Aio = hypervisor.BlockDeviceAio.Length > 0 ? hypervisor.BlockDeviceAio : null,
        CacheSet = hypervisor.BlockDeviceCacheSet,
        CacheDirect = hypervisor.BlockDeviceCacheDirect,
        CacheNoFlush = hypervisor.BlockDeviceCacheNoflush,
        PciBuses = pciBuses,
    };
}
