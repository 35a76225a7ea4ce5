namespace AotShim.Shim.Storage;

/// <summary>
/// What a container's storage left on the host, in plain paths and ids so it can be persisted: enough for
/// <see cref="ContainerStorage.Clean"/> to undo it after a shim crash.
/// </summary>
public sealed record StorageRecord
{
    public required string ContainerId { get; init; }

    /// <summary>The bundle's rootfs when containerd's rootfs mounts were mounted on it.</summary>
    public string? BundleRootfs { get; init; }

    /// <summary>The container's directory in the share (mounts/ID): its rootfs bind, or the mount point of a block rootfs.</summary>
    public string? ShareDirectory { get; init; }

    /// <summary>Volume binds in the share (mounts/NAME).</summary>
    public IReadOnlyList<string> ShareVolumes { get; init; } = [];

    /// <summary>Hot-plugged devices; they end with QEMU, so after a crash there is nothing of them to undo on the host.</summary>
    public IReadOnlyList<BlockAttachment> Devices { get; init; } = [];
}
