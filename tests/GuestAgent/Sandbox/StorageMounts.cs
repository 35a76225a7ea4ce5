using AotShim.GuestAgent.Launch;
using AotShim.GuestAgent.Native;
using AotShim.Native;
using AotShim.Shim.Agent.Protocol;

namespace AotShim.GuestAgent.Sandbox;

/// <summary>
/// The kata Storage objects mounted in the guest, counted by mount point as kata's agent does: a storage that
/// the sandbox and a container (or two containers) both name is mounted once and unmounted with its last user.
/// Drivers: 9p, virtio-fs and any other with an fstype are mounted as given; "blk" and "scsi" name a hot-plugged
/// disk by its address; "local" is a directory; "ephemeral" a tmpfs.
/// </summary>
internal sealed class StorageMounts
{
    private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Mounts each storage (or adds a user), returning the mount points, all or nothing.</summary>
    public IReadOnlyList<string> Add(IEnumerable<Storage> storages)
    {
        var added = new List<string>();
        try
        {
            foreach (Storage storage in storages)
            {
                added.Add(Add(storage));
            }

            return added;
        }
        catch
        {
            Release(added);
            throw;
        }
    }

    public void Release(IEnumerable<string> mountPoints)
    {
        foreach (string mountPoint in mountPoints)
        {
            lock (_gate)
            {
                if (!_users.TryGetValue(mountPoint, out int users))
                {
                    continue;
                }

                if (users > 1)
                {
                    _users[mountPoint] = users - 1;
                    continue;
                }

                _users.Remove(mountPoint);
                Mounts.UnmountAll(mountPoint);
            }
        }
    }

    /// <summary>Everything, whoever uses it (DestroySandbox).</summary>
    public void ReleaseAll()
    {
        lock (_gate)
        {
            foreach (string mountPoint in _users.Keys)
            {
                Mounts.UnmountAll(mountPoint);
            }

            _users.Clear();
        }
    }

    private string Add(Storage storage)
    {
        if (!Path.IsPathFullyQualified(storage.MountPoint))
        {
            throw new ArgumentException($"storage {storage.Source}: mount_point \"{storage.MountPoint}\" is not absolute");
        }

        lock (_gate)
        {
            if (_users.TryGetValue(storage.MountPoint, out int users))
            {
                _users[storage.MountPoint] = users + 1;
                return storage.MountPoint;
            }

            Mount(storage);
            _users[storage.MountPoint] = 1;
            return storage.MountPoint;
        }
    }

    private static void Mount(Storage storage)
    {
        var options = StorageOptions.Parse(storage.Options);
        switch (storage.Driver)
        {
            case "local":
                // An emptyDir every container user may write (kata sends mode=0777); set after creation, since mkdir's mode passes the umask.
                Directory.CreateDirectory(storage.MountPoint);
                File.SetUnixFileMode(storage.MountPoint, options.Mode ?? (UnixFileMode)0x1FF);
                break;
            case "ephemeral":
                Directory.CreateDirectory(storage.MountPoint);
                Mounter.Mount("tmpfs", storage.MountPoint, "tmpfs", options.Mount);
                break;
            default:
                MountFilesystem(storage, options.Mount);
                break;
        }

        if (options.FsGroup is int gid)
        {
            // kata's fsGroup: the volume's group, inherited by what is created in it.
            GuestLibc.Chown(storage.MountPoint, -1, gid);
            File.SetUnixFileMode(storage.MountPoint, File.GetUnixFileMode(storage.MountPoint) | UnixFileMode.SetGroup);
        }
    }

    /// <summary>A filesystem, or with fstype "bind" a device node bound on a file; hot-plugged disks are found by their address first.</summary>
    private static void MountFilesystem(Storage storage, MountOptions options)
    {
        string source = storage.Driver switch
        {
            "blk" => GuestDisks.ByPciPath(storage.Source),
            "scsi" => GuestDisks.ByScsiAddress(storage.Source),
            _ => storage.Source,
        };
        string type = storage.Fstype.Length > 0 ? storage.Fstype : storage.Driver switch
        {
            "9p" => "9p",
            "virtio-fs" => "virtiofs",
            _ => throw new ArgumentException($"storage {storage.Source}: driver \"{storage.Driver}\" needs an fstype"),
        };
        if (type == "bind")
        {
            options = options with { Flags = options.Flags | MsFlags.Bind };
        }

        Mounter.CreateTarget(storage.MountPoint, options.IsBind ? source : null);
        Mounter.Mount(source, storage.MountPoint, type, options);
    }
}
