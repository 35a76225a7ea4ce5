using AotShim.Shim.Agent.Protocol;

namespace AotShim.Shim.Storage;

/// <summary>
/// Sorts a spec mount as kata's create path does (SetEphemeralStorageType, handleShm, createBlockDevices,
/// mountSharedDirMounts); unlike kata, a filesystem mount (type ext4, ...) of a host block device is plugged too,
/// since the guest's device of that name would be another disk.
/// </summary>
internal static class VolumeClassifier
{
    /// <param name="canPlug">Whether the sandbox can hot-plug at all; disable_block_device_use also stops it.</param>
    public static VolumeKind Classify(Mount mount, VolumeSettings settings, bool canPlug)
    {
        bool emptyDir = SpecMounts.IsEmptyDir(mount.Source);
        if (emptyDir && SpecMounts.IsMemoryBacked(mount.Source))
        {
            return VolumeKind.Ephemeral;
        }

        if (mount.Destination == SandboxShm.Destination)
        {
            return VolumeKind.Shm;
        }

        if (emptyDir && !settings.DisableGuestEmptyDir)
        {
            return VolumeKind.Local;
        }

        bool plugs = canPlug && !settings.DisableBlockDeviceUse && SpecMounts.IsBlockSource(mount);
        if (!SpecMounts.IsBind(mount))
        {
            return plugs ? VolumeKind.Block : VolumeKind.Guest;
        }

        if (SpecMounts.IsSystemPath(mount.Source))
        {
            return VolumeKind.Guest;
        }

        if (plugs)
        {
            return VolumeKind.Block;
        }

        return SpecMounts.IsHostDevice(mount.Source) ? VolumeKind.Guest : VolumeKind.Share;
    }
}
