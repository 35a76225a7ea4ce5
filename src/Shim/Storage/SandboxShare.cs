using AotShim.Native;

namespace AotShim.Shim.Storage;

/// <summary>
/// The host side of a sandbox's shared filesystem, in kata's layout under /run/kata-containers/shared/sandboxes/ID:
/// the shim mounts into mounts/, and shared/ is a read-only bind of it that QEMU exports to the guest. mounts/ is a
/// shared mount and shared/ its slave, so what is mounted later shows up in the guest while the guest cannot write
/// to the directory itself; each propagated mount keeps its own read-write flag.
/// </summary>
public sealed class SandboxShare
{
    /// <summary>Where the guest mounts the share (kata's kataGuestSharedDir).</summary>
    public const string GuestDirectory = "/run/kata-containers/shared/containers";

    private SandboxShare(string root)
    {
        Root = root;
    }

    /// <summary>.../sandboxes/ID.</summary>
    public string Root { get; }

    public string MountsDirectory => Path.Combine(Root, "mounts");

    /// <summary>What QEMU exports (9p or virtio-fs).</summary>
    public string SharedDirectory => Path.Combine(Root, "shared");

    public string PrivateDirectory => Path.Combine(Root, "private");

    /// <summary>Creates the layout; on failure whatever was made is removed again.</summary>
    public static SandboxShare Create(string root)
    {
        var share = new SandboxShare(root);
        try
        {
            Directory.CreateDirectory(share.MountsDirectory);
            Directory.CreateDirectory(share.SharedDirectory);
            Directory.CreateDirectory(share.PrivateDirectory);
            Mounts.Mount(share.MountsDirectory, share.MountsDirectory, null, MountFlags.Bind);
            Mounts.Mount(null, share.MountsDirectory, null, MountFlags.Shared);
            Mounts.Mount(share.MountsDirectory, share.SharedDirectory, null, MountFlags.Bind);
            Mounts.Mount(null, share.SharedDirectory, null, MountFlags.Bind | MountFlags.Remount | MountFlags.ReadOnly);
            Mounts.Mount(null, share.SharedDirectory, null, MountFlags.Slave);
            return share;
        }
        catch
        {
            Remove(root);
            throw;
        }
    }

    /// <summary>Binds a container's mounted rootfs into the share; returns its path inside the guest.</summary>
    public string AddRootfs(string containerId, string rootfs)
    {
        string target = Path.Combine(MountsDirectory, containerId, "rootfs");
        Directory.CreateDirectory(target);
        try
        {
            Mounts.Mount(rootfs, target, null, MountFlags.Bind);
        }
        catch
        {
            Directory.Delete(Path.Combine(MountsDirectory, containerId), recursive: true);
            throw;
        }

        return $"{GuestDirectory}/{containerId}/rootfs";
    }

    /// <summary>Takes a container's rootfs out of the share (the unmount propagates to shared/ and the guest).</summary>
    public void RemoveRootfs(string containerId)
    {
        string directory = Path.Combine(MountsDirectory, containerId);
        Mounts.UnmountAll(Path.Combine(directory, "rootfs"));
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Unmounts everything under <paramref name="root"/> and deletes it; safe on a partial layout or after a crash,
    /// which is why it works from the path alone.
    /// </summary>
    public static void Remove(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        // Deepest first: a detached parent would take its children out of sight but keep them alive.
        foreach (string mountPoint in Mounts.Under(root).OrderByDescending(m => m.Length))
        {
            Mounts.UnmountAll(mountPoint);
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Removed under us by a shim still exiting: the goal is reached either way.
        }
    }
}
