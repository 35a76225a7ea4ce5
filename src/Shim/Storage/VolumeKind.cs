namespace AotShim.Shim.Storage;

/// <summary>How one OCI spec mount reaches the guest.</summary>
internal enum VolumeKind
{
    /// <summary>Left as it is for the guest: proc, sysfs, tmpfs, devpts, mqueue, cgroup, host /dev and /sys paths.</summary>
    Guest,

    /// <summary>/dev/shm: the pod's shm, or a tmpfs of the container's own.</summary>
    Shm,

    /// <summary>A medium-Memory emptyDir: a tmpfs the guest makes.</summary>
    Ephemeral,

    /// <summary>A disk emptyDir made in the guest (disable_guest_empty_dir = false).</summary>
    Local,

    /// <summary>A host file or directory bound into the sandbox share.</summary>
    Share,

    /// <summary>A host block device (or marked image file) hot-plugged into the VM.</summary>
    Block,
}
