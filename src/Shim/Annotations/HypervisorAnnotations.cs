using AotShim.Shim.Config;

namespace AotShim.Shim.Annotations;

/// <summary>io.katacontainers.config.hypervisor.*: each overrides one [hypervisor.qemu] key.</summary>
internal static class HypervisorAnnotations
{
    public static readonly AnnotationRule[] Rules =
    [
        Set("block_device_cache_direct", (h, v) => h with { BlockDeviceCacheDirect = v.Bool() }),
        Set("block_device_cache_noflush", (h, v) => h with { BlockDeviceCacheNoflush = v.Bool() }),
        Set("block_device_cache_set", (h, v) => h with { BlockDeviceCacheSet = v.Bool() }),
        Set("block_device_driver", (h, v) => h with { BlockDeviceDriver = v.OneOf(ConfigRules.BlockDeviceDrivers) }),
        Set("cpu_features", (h, v) => h with { CpuFeatures = v.Raw }),
        Set("ctlpath", (h, v) => h with { CtlPath = v.AllowedPath("valid_ctlpaths", h.ValidCtlPaths) }),
        Set("default_max_vcpus", (h, v) => h with { DefaultMaxVcpus = v.UInt32() }),
        Set("default_memory", (h, v) => h with { DefaultMemory = v.UInt32InRange(ConfigRules.MinMemoryMiB, uint.MaxValue, " MiB") }),
        Set("default_vcpus", (h, v) => h with { DefaultVcpus = (int)v.UInt32InRange(1, int.MaxValue) }),
        Set("disable_block_device_use", (h, v) => h with { DisableBlockDeviceUse = v.Bool() }),
        Set("disable_image_nvdimm", (h, v) => h with { DisableImageNvdimm = v.Bool() }),
        Set("disable_vhost_net", (h, v) => h with { DisableVhostNet = v.Bool() }),
        Set("enable_hugepages", (h, v) => h with { EnableHugepages = v.Bool() }),
        Set("enable_iommu_platform", (h, v) => h with { EnableIommuPlatform = v.Bool() }),
        Set("enable_iommu", (h, v) => h with { EnableIommu = v.Bool() }),
        Set("enable_iothreads", (h, v) => h with { EnableIothreads = v.Bool() }),
        Set("enable_mem_prealloc", (h, v) => h with { EnableMemPrealloc = v.Bool() }),
        Set("enable_swap", (h, v) => h with { EnableGuestSwap = v.Bool() }),
        Set("enable_guest_swap", (h, v) => h with { EnableGuestSwap = v.Bool() }),
        Set("enable_vhost_user_store", (h, v) => h with { EnableVhostUserStore = v.Bool() }),
        Set("enable_virtio_mem", (h, v) => h with { EnableVirtioMem = v.Bool() }),
        Set("entropy_source", (h, v) => h with { EntropySource = v.AllowedPath("valid_entropy_sources", h.ValidEntropySources) }),
        Set("file_mem_backend", (h, v) => h with { FileMemBackend = v.AllowedPath("valid_file_mem_backends", h.ValidFileMemBackends) }),
        Set("firmware", (h, v) => h with { Firmware = v.AllowedPath("valid_firmware_paths", h.ValidFirmwarePaths) }),
        Set("firmware_volume", (h, v) => h with { FirmwareVolume = v.AllowedPath("valid_firmware_paths", h.ValidFirmwarePaths) }),
        // As kata: an empty value keeps the configured path.
        Set("guest_hook_path", (h, v) => v.Raw.Length == 0 ? h : h with { GuestHookPath = v.GuestPath() }),
        Set("hotplug_vfio_on_root_bus", (h, v) => h with { HotplugVfioOnRootBus = v.Bool() }),
        Set("image", (h, v) => h with { Image = v.AllowedPath("valid_image_paths", h.ValidImagePaths), Initrd = "" }),
        Set("initrd", (h, v) => h with { Initrd = v.AllowedPath("valid_initrd_paths", h.ValidInitrdPaths), Image = "" }),
        Set("jailer_path", (h, v) => h with { JailerPath = v.AllowedPath("valid_jailer_paths", h.ValidJailerPaths) }),
        Set("kernel_params", (h, v) => h with { KernelParams = v.Raw }),
        Set("kernel", (h, v) => h with { Kernel = v.AllowedPath("valid_kernel_paths", h.ValidKernelPaths) }),
        Set("machine_accelerators", (h, v) => h with { MachineAccelerators = v.Raw }),
        Set("machine_type", (h, v) => h with { MachineType = v.OneOf(ConfigRules.MachineTypes) }),
        Set("memory_offset", (h, v) => h with { MemoryOffset = v.UInt64() }),
        Set("memory_slots", (h, v) => h with { MemorySlots = v.UInt32InRange(1, ConfigRules.MaxMemorySlots) }),
        Set("msize_9p", (h, v) => h with { Msize9p = v.UInt32InRange(ConfigRules.MinMsize9p, ConfigRules.MaxMsize9p) }),
        Set("path", (h, v) => h with { Path = v.AllowedPath("valid_hypervisor_paths", h.ValidHypervisorPaths) }),
        Set("pcie_root_port", (h, v) => h with { PcieRootPort = v.UInt32() }),
        Set("shared_fs", (h, v) => h with { SharedFs = v.OneOf(ConfigRules.SharedFs) }),
        Set("use_vsock", (h, v) => v.Bool() ? h : throw v.Refuse("the agent is always reached over vsock; false is not supported")),
        Set("vhost_user_store_path", (h, v) => h with { VhostUserStorePath = v.AllowedPath("valid_vhost_user_store_paths", h.ValidVhostUserStorePaths) }),
        Set("virtio_fs_cache_size", (h, v) => h with { VirtioFsCacheSize = v.UInt32() }),
        Set("virtio_fs_cache", (h, v) => h with { VirtioFsCache = v.OneOf(ConfigRules.VirtioFsCache) }),
        Set("virtio_fs_daemon", (h, v) => h with { VirtioFsDaemon = v.AllowedPath("valid_virtio_fs_daemon_paths", h.ValidVirtioFsDaemonPaths) }),
        Set("virtio_fs_extra_args", (h, v) => h with { VirtioFsExtraArgs = v.JsonStringArray() }),
    ];

    private static AnnotationRule Set(string name, Func<QemuConfig, AnnotationValue, QemuConfig> apply) =>
        new(name, (configuration, value) => configuration with { Hypervisor = apply(configuration.Hypervisor, value) });
}
