using AotShim.Native;
using AotShim.Shim.Sandbox;

namespace AotShim.Shim.Storage;

/// <summary>Mounts containerd's rootfs mounts (an overlay, or a bind) on the bundle's rootfs, as runc's shim does.</summary>
public static class RootfsMounter
{
    /// <summary>Mounts each entry in order; if one fails, those already mounted are undone.</summary>
    public static void Mount(IReadOnlyList<RootfsMount> mounts, string rootfs)
    {
        try
        {
            foreach (RootfsMount mount in mounts)
            {
                MountOne(mount, rootfs);
            }
        }
        catch
        {
            Mounts.UnmountAll(rootfs);
            throw;
        }
    }

    private static void MountOne(RootfsMount mount, string rootfs)
    {
        MountOptions options = MountOptions.Parse(mount.Options);
        if (!options.IsBind)
        {
            Mounts.Mount(mount.Source, rootfs, mount.Type, options.Flags, options.Data);
            return;
        }

        // A bind ignores flags other than recursion on the first call: read-only and friends need a remount.
        Mounts.Mount(mount.Source, rootfs, null, options.Flags & (MountFlags.Bind | MountFlags.Recursive));
        MountFlags extra = options.Flags & ~(MountFlags.Bind | MountFlags.Recursive);
        if (extra != 0)
        {
            Mounts.Mount(null, rootfs, null, MountFlags.Bind | MountFlags.Remount | extra);
        }
    }
}
