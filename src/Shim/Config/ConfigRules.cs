namespace AotShim.Shim.Config;

/// <summary>The allowed values and bounds shared by file validation and annotation parsing.</summary>
public static class ConfigRules
{
    public static readonly string[] BlockDeviceDrivers = ["virtio-scsi", "virtio-blk", "virtio-mmio", "nvdimm"];
    public static readonly string[] BlockDeviceAio = ["io_uring", "threads", "native"];
    public static readonly string[] SharedFs = ["virtio-fs", "virtio-9p", "virtio-fs-nydus", "none"];
    public static readonly string[] VirtioFsCache = ["none", "never", "auto", "always", "metadata"];
    public static readonly string[] InternetworkingModels = ["tcfilter", "macvtap", "none"];
    public static readonly string[] VfioModes = ["guest-kernel", "vfio"];
    public static readonly string[] VfioPorts = ["no-port", "root-port", "bridge-port", "switch-port"];
    public static readonly string[] RootfsTypes = ["ext4", "xfs", "erofs"];
    /// <summary>Our extension: tcg runs guests where KVM cannot (e.g. PVM hosts), at emulation speed.</summary>
    public static readonly string[] Accelerators = ["kvm", "tcg"];
    /// <summary>Our extension: the agent transport; virtio-serial serves hosts without vhost-vsock.</summary>
    public static readonly string[] AgentTransports = ["auto", "vsock", "virtio-serial"];
    public static readonly string[] MachineTypesX64 = ["q35", "pc", "microvm"];
    public static readonly string[] MachineTypesArm64 = ["virt"];
    public static readonly string[] MachineTypes = [.. MachineTypesX64, .. MachineTypesArm64];

    /// <summary>Kata's experimental feature registry; no feature is available in this runtime yet.</summary>
    public static readonly string[] ExperimentalFeatures = [];

    /// <summary>kata's MinHypervisorMemory.</summary>
    public const uint MinMemoryMiB = 256;
    public const uint MaxBridges = 5;
    public const uint MaxMemorySlots = 256;
    public const uint MinMsize9p = 4096;
    public const uint MaxMsize9p = 1048576;

    public static string OneOf(IEnumerable<string> values) => "one of " + string.Join(", ", values.Select(v => $"\"{v}\""));
}
