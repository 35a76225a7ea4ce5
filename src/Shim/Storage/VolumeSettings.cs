using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Config;

namespace AotShim.Shim.Storage;

/// <summary>What decides how one sandbox's container volumes are provided (kata's runtime and hypervisor keys).</summary>
/// <param name="SandboxId">Guest-local emptyDirs live below the sandbox container's rootfs in the share, as kata puts them.</param>
public sealed record VolumeSettings(string SandboxId)
{
    /// <summary>disable_guest_empty_dir: share disk emptyDirs from the host instead of making them in the guest.</summary>
    public bool DisableGuestEmptyDir { get; init; }

    /// <summary>disable_block_device_use: block device sources are never hot-plugged.</summary>
    public bool DisableBlockDeviceUse { get; init; }

    /// <summary>The pod's shared /dev/shm size (see <see cref="SandboxShm"/>); 0 gives each container a tmpfs of its own.</summary>
    public ulong ShmSize { get; init; }

    /// <summary>The settings of a sandbox whose first (sandbox) container has <paramref name="sandboxSpec"/>.</summary>
    public static VolumeSettings From(string sandboxId, Configuration configuration, Spec sandboxSpec) => new(sandboxId)
    {
        DisableGuestEmptyDir = configuration.Runtime.DisableGuestEmptyDir,
        DisableBlockDeviceUse = configuration.Hypervisor.DisableBlockDeviceUse,
        ShmSize = SandboxShm.SizeOf(sandboxSpec),
    };
}
