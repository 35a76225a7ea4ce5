using System.Text.Json.Serialization;
using Tomlyn.Serialization;

namespace AotShim.Shim.Config;

/// <summary>[hypervisor.qemu]: kata's hypervisor keys with the seed's defaults, plus our valid_*_paths extensions.</summary>
public sealed record QemuConfig
{
    [JsonPropertyName("path")] public string Path { get; init; } = ConfigDefaults.HypervisorPath;
    [JsonPropertyName("jailer_path")] public string JailerPath { get; init; } = "";
    [JsonPropertyName("ctlpath")] public string CtlPath { get; init; } = "";
    [JsonPropertyName("kernel")] public string Kernel { get; init; } = ConfigDefaults.KernelPath;
    [JsonPropertyName("initrd")] public string Initrd { get; init; } = "";
    [JsonPropertyName("image")] public string Image { get; init; } = "";
    [JsonPropertyName("rootfs_type")] public string RootfsType { get; init; } = "ext4";
    [JsonPropertyName("firmware")] public string Firmware { get; init; } = "";
    [JsonPropertyName("firmware_volume")] public string FirmwareVolume { get; init; } = "";
    [JsonPropertyName("accelerator")] public string Accelerator { get; init; } = "kvm";
    [JsonPropertyName("machine_accelerators")] public string MachineAccelerators { get; init; } = "";
    [JsonPropertyName("cpu_features")] public string CpuFeatures { get; init; } = "";
    [JsonPropertyName("kernel_params")] public string KernelParams { get; init; } = "";
    [JsonPropertyName("machine_type")] public string MachineType { get; init; } = ConfigDefaults.MachineType;
    [JsonPropertyName("block_device_driver")] public string BlockDeviceDriver { get; init; } = "virtio-scsi";
    [JsonPropertyName("block_device_aio")] public string BlockDeviceAio { get; init; } = "io_uring";
    [JsonPropertyName("block_device_cache_set")] public bool BlockDeviceCacheSet { get; init; }
    [JsonPropertyName("block_device_cache_direct")] public bool BlockDeviceCacheDirect { get; init; }
    [JsonPropertyName("block_device_cache_noflush")] public bool BlockDeviceCacheNoflush { get; init; }
    [JsonPropertyName("disable_block_device_use")] public bool DisableBlockDeviceUse { get; init; }
    [JsonPropertyName("entropy_source")] public string EntropySource { get; init; } = "/dev/urandom";
    [JsonPropertyName("shared_fs")] public string SharedFs { get; init; } = "virtio-fs";
    [JsonPropertyName("virtio_fs_daemon")] public string VirtioFsDaemon { get; init; } = "/usr/libexec/virtiofsd";
    [JsonPropertyName("virtio_fs_cache")] public string VirtioFsCache { get; init; } = "none";
    [JsonPropertyName("virtio_fs_cache_size")] public uint VirtioFsCacheSize { get; init; }
    [JsonPropertyName("virtio_fs_queue_size")] public uint VirtioFsQueueSize { get; init; } = 1024;
    [JsonPropertyName("virtio_fs_extra_args")] public IReadOnlyList<string> VirtioFsExtraArgs { get; init; } = [];
    [JsonPropertyName("msize_9p")] public uint Msize9p { get; init; } = 8192;
    [JsonPropertyName("default_vcpus")] public int DefaultVcpus { get; init; } = 1;
    [JsonPropertyName("default_maxvcpus")] public uint DefaultMaxVcpus { get; init; }
    [JsonPropertyName("default_memory")] public uint DefaultMemory { get; init; } = 2048;
    [JsonPropertyName("default_maxmemory")] public ulong DefaultMaxMemory { get; init; }
    [JsonPropertyName("memory_slots")] public uint MemorySlots { get; init; } = 10;
    [JsonPropertyName("memory_offset")] public ulong MemoryOffset { get; init; }
    [JsonPropertyName("enable_virtio_mem")] public bool EnableVirtioMem { get; init; }
    [JsonPropertyName("enable_mem_prealloc")] public bool EnableMemPrealloc { get; init; }
    [JsonPropertyName("enable_hugepages")] public bool EnableHugepages { get; init; }
    [JsonPropertyName("file_mem_backend")] public string FileMemBackend { get; init; } = "";
    [JsonPropertyName("default_bridges")] public uint DefaultBridges { get; init; } = 1;
    [JsonPropertyName("pcie_root_port")] public uint PcieRootPort { get; init; }
    [JsonPropertyName("hotplug_vfio_on_root_bus")] public bool HotplugVfioOnRootBus { get; init; }
    [JsonPropertyName("hot_plug_vfio")] public string HotPlugVfio { get; init; } = "no-port";
    [JsonPropertyName("cold_plug_vfio")] public string ColdPlugVfio { get; init; } = "no-port";
    [JsonPropertyName("enable_iommu")] public bool EnableIommu { get; init; }
    [JsonPropertyName("enable_iommu_platform")] public bool EnableIommuPlatform { get; init; }
    [JsonPropertyName("enable_iothreads")] public bool EnableIothreads { get; init; }
    [JsonPropertyName("disable_image_nvdimm")] public bool DisableImageNvdimm { get; init; }
    [JsonPropertyName("disable_vhost_net")] public bool DisableVhostNet { get; init; }
    [JsonPropertyName("enable_vhost_user_store")] public bool EnableVhostUserStore { get; init; }
    [JsonPropertyName("vhost_user_store_path")] public string VhostUserStorePath { get; init; } = "/var/run/kata-containers/vhost-user";
    [JsonPropertyName("vhost_user_reconnect_timeout_sec")] public uint VhostUserReconnectTimeoutSec { get; init; }
    [JsonPropertyName("guest_hook_path")] public string GuestHookPath { get; init; } = "";
    [JsonPropertyName("guest_memory_dump_path")] public string GuestMemoryDumpPath { get; init; } = "";
    [JsonPropertyName("guest_memory_dump_paging")] public bool GuestMemoryDumpPaging { get; init; }
    [JsonPropertyName("enable_guest_swap")] public bool EnableGuestSwap { get; init; }
    [JsonPropertyName("confidential_guest")] public bool ConfidentialGuest { get; init; }
    [JsonPropertyName("sev_snp_guest")] public bool SevSnpGuest { get; init; }
    [JsonPropertyName("rootless")] public bool Rootless { get; init; }
    [JsonPropertyName("disable_seccomp")] public bool DisableSeccomp { get; init; }
    [JsonPropertyName("seccompsandbox")] public string SeccompSandbox { get; init; } = "";
    [JsonPropertyName("disable_selinux")] public bool DisableSelinux { get; init; }
    [JsonPropertyName("disable_guest_selinux")] public bool DisableGuestSelinux { get; init; } = true;
    [JsonPropertyName("disable_nesting_checks")] public bool DisableNestingChecks { get; init; }
    [JsonPropertyName("use_legacy_serial")] public bool UseLegacySerial { get; init; }
    [JsonPropertyName("enable_debug")] public bool EnableDebug { get; init; }
    [JsonPropertyName("extra_monitor_socket")] public string ExtraMonitorSocket { get; init; } = "";
    [JsonPropertyName("pflashes")] public IReadOnlyList<string> Pflashes { get; init; } = [];
    [JsonPropertyName("rx_rate_limiter_max_rate")] public ulong RxRateLimiterMaxRate { get; init; }
    [JsonPropertyName("tx_rate_limiter_max_rate")] public ulong TxRateLimiterMaxRate { get; init; }
    [JsonPropertyName("disk_rate_limiter_bw_max_rate")] public long DiskRateLimiterBwMaxRate { get; init; }
    [JsonPropertyName("disk_rate_limiter_bw_one_time_burst")] public long DiskRateLimiterBwOneTimeBurst { get; init; }
    [JsonPropertyName("disk_rate_limiter_ops_max_rate")] public long DiskRateLimiterOpsMaxRate { get; init; }
    [JsonPropertyName("disk_rate_limiter_ops_one_time_burst")] public long DiskRateLimiterOpsOneTimeBurst { get; init; }
    [JsonPropertyName("net_rate_limiter_bw_max_rate")] public long NetRateLimiterBwMaxRate { get; init; }
    [JsonPropertyName("net_rate_limiter_bw_one_time_burst")] public long NetRateLimiterBwOneTimeBurst { get; init; }
    [JsonPropertyName("net_rate_limiter_ops_max_rate")] public long NetRateLimiterOpsMaxRate { get; init; }
    [JsonPropertyName("net_rate_limiter_ops_one_time_burst")] public long NetRateLimiterOpsOneTimeBurst { get; init; }
    [JsonPropertyName("enable_annotations")] public IReadOnlyList<string> EnableAnnotations { get; init; } = [];
    [JsonPropertyName("valid_hypervisor_paths")] public IReadOnlyList<string> ValidHypervisorPaths { get; init; } = [];
    [JsonPropertyName("valid_jailer_paths")] public IReadOnlyList<string> ValidJailerPaths { get; init; } = [];
    [JsonPropertyName("valid_ctlpaths")] public IReadOnlyList<string> ValidCtlPaths { get; init; } = [];
    [JsonPropertyName("valid_virtio_fs_daemon_paths")] public IReadOnlyList<string> ValidVirtioFsDaemonPaths { get; init; } = [];
    [JsonPropertyName("valid_vhost_user_store_paths")] public IReadOnlyList<string> ValidVhostUserStorePaths { get; init; } = ["/var/run/kata-containers/vhost-user"];
    [JsonPropertyName("valid_file_mem_backends")] public IReadOnlyList<string> ValidFileMemBackends { get; init; } = [""];
    [JsonPropertyName("valid_entropy_sources")] public IReadOnlyList<string> ValidEntropySources { get; init; } = ["/dev/urandom", "/dev/random", ""];
    [JsonPropertyName("valid_kernel_paths")] public IReadOnlyList<string> ValidKernelPaths { get; init; } = [];
    [JsonPropertyName("valid_image_paths")] public IReadOnlyList<string> ValidImagePaths { get; init; } = [];
    [JsonPropertyName("valid_initrd_paths")] public IReadOnlyList<string> ValidInitrdPaths { get; init; } = [];
    [JsonPropertyName("valid_firmware_paths")] public IReadOnlyList<string> ValidFirmwarePaths { get; init; } = [];

    [TomlExtensionData]
    [JsonIgnore]
    public Dictionary<string, object?>? UnknownKeys { get; init; }
}
