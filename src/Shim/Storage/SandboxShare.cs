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

    /// <summary>The share's folder for sandbox_bind_mounts (kata's sandboxMountsDir).</summary>
    public const string SandboxMounts = "sandbox-mounts";

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

    /// <summary>
    /// A block-device rootfs: the guest mounts the plugged device on the container's directory in the share, so only the
    /// (empty) directory is made here; returns the rootfs path inside the guest.
    /// </summary>
    public string AddBlockRootfs(string containerId)
    {
        Directory.CreateDirectory(Path.Combine(MountsDirectory, containerId));
        return $"{GuestDirectory}/{containerId}";
    }

    /// <summary>
    /// Binds a host file or directory into the share as mounts/NAME and returns its path inside the guest. A read-only
    /// volume is bound read-only in private/ first and that bind is bound on (kata's way): a remount would not reach
    /// the copy that propagates to shared/, a bind of a read-only mount does. On failure nothing is left.
    /// </summary>
    public string AddVolume(string name, string source, bool readOnly)
    {
        bool directory = FileStatus.Of(source).IsDirectory;
        string target = Path.Combine(MountsDirectory, name);
        CreateMountPoint(target, directory);
        try
        {
            if (readOnly)
            {
                BindReadOnly(name, source, target, directory);
            }
            else
            {
                Mounts.Mount(source, target, null, MountFlags.Bind);
            }
        }
        catch
        {
            RemoveVolume(target);
            throw;
        }

        return $"{GuestDirectory}/{name}";
    }

    /// <summary>Unmounts a volume's bind (the unmount propagates to shared/) and deletes its mount point; from the path alone, so also after a crash.</summary>
    public static void RemoveVolume(string hostPath)
    {
        Mounts.UnmountAll(hostPath);
        if (Directory.Exists(hostPath))
        {
            Directory.Delete(hostPath);
        }
        else if (File.Exists(hostPath))
        {
            File.Delete(hostPath);
        }
    }

    /// <summary>
    /// sandbox_bind_mounts: each host path read-only at mounts/sandbox-mounts/BASENAME, which the guest sees at
    /// .../shared/containers/sandbox-mounts/BASENAME; all or nothing.
    /// </summary>
    public void AddSandboxBindMounts(IReadOnlyList<string> paths)
    {
        var added = new List<string>();
        try
        {
            foreach (string path in paths)
            {
                string name = $"{SandboxMounts}/{Path.GetFileName(path.TrimEnd('/'))}";
                string target = Path.Combine(MountsDirectory, name);
                if (added.Contains(target))
                {
                    throw new VolumeException($"sandbox_bind_mounts: \"{path}\" has the same name as an earlier entry ({name})");
                }

                try
                {
                    AddVolume(name, path, readOnly: true);
                }
                catch (Exception e) when (e is NativeException or IOException or UnauthorizedAccessException)
                {
                    throw new VolumeException($"sandbox_bind_mounts: \"{path}\": {e.Message}", e);
                }

                added.Add(target);
            }
        }
        catch
        {
            added.ForEach(RemoveVolume);
            throw;
        }
    }

    /// <summary>Takes a container's rootfs out of the share (the unmount propagates to shared/ and the guest).</summary>
    public void RemoveRootfs(string containerId) => RemoveContainerDirectory(Path.Combine(MountsDirectory, containerId));

    /// <summary>
    /// Unbinds a container's rootfs from its directory in the share (mounts/ID) and deletes it, from the path alone. Not
    /// recursively: what is left inside after the unmount is not ours to delete.
    /// </summary>
    public static void RemoveContainerDirectory(string directory)
    {
        string rootfs = Path.Combine(directory, "rootfs");
        Mounts.UnmountAll(rootfs);
        if (Directory.Exists(rootfs))
        {
            Directory.Delete(rootfs);
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory);
        }
    }

    private void BindReadOnly(string name, string source, string target, bool directory)
    {
        string staging = Path.Combine(PrivateDirectory, name);
        CreateMountPoint(staging, directory);
        try
        {
            Mounts.Mount(source, staging, null, MountFlags.Bind);
            Mounts.Mount(null, staging, null, MountFlags.Private);
            Mounts.Mount(null, staging, null, MountFlags.Bind | MountFlags.Remount | MountFlags.ReadOnly);
            Mounts.Mount(staging, target, null, MountFlags.Bind);
        }
        finally
        {
            RemoveVolume(staging);
        }
    }

    /// <summary>What a bind lands on: a directory, or an empty file for a file source.</summary>
    private static void CreateMountPoint(string path, bool directory)
    {
        if (directory)
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (File.Open(path, FileMode.OpenOrCreate))
        {
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
