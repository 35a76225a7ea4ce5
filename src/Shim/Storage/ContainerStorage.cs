using AotShim.Native;
using AotShim.Qmp;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Sandbox;
using AgentStorage = AotShim.Shim.Agent.Protocol.Storage;

namespace AotShim.Shim.Storage;

/// <summary>
/// One container's storage on the host: its rootfs (mounted and bound into the share, or a plugged block device) and
/// its volumes (binds through the share, guest-made emptyDirs and shm, plugged block devices). Creating rewrites the
/// spec's root and mounts for the guest and yields the agent Storages CreateContainer carries; releasing undoes every
/// host step, as <see cref="Clean"/> does from the persisted <see cref="Record"/> after a crash.
/// </summary>
public sealed class ContainerStorage
{
    private readonly SandboxStorage _sandbox;
    private readonly string _id;
    private readonly List<AgentStorage> _storages = [];
    private readonly List<string> _shareVolumes = [];
    private readonly List<BlockAttachment> _devices = [];
    private string? _bundleRootfs;
    private string? _shareDirectory;

    private ContainerStorage(SandboxStorage sandbox, string id)
    {
        _sandbox = sandbox;
        _id = id;
    }

    /// <summary>What CreateContainer's Storages must carry, in order.</summary>
    public IReadOnlyList<AgentStorage> Storages => _storages;

    public StorageRecord Record => new()
    {
        ContainerId = _id,
        BundleRootfs = _bundleRootfs,
        ShareDirectory = _shareDirectory,
        ShareVolumes = [.. _shareVolumes],
        Devices = [.. _devices],
    };

    /// <summary>
    /// Prepares the rootfs and volumes of <paramref name="request"/>, rewriting <paramref name="spec"/>'s root and mounts
    /// for the guest; on failure everything done so far is undone and the error names the mount.
    /// </summary>
    public static async Task<ContainerStorage> CreateAsync(SandboxStorage sandbox, ContainerRequest request, Spec spec, CancellationToken ct)
    {
        var storage = new ContainerStorage(sandbox, request.Id);
        try
        {
            await storage.AddRootfsAsync(request, spec, ct).ConfigureAwait(false);
            foreach (Mount mount in spec.Mounts)
            {
                await storage.AddVolumeAsync(mount, ct).ConfigureAwait(false);
            }

            return storage;
        }
        catch
        {
            await storage.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Undoes every host step (after the agent removed the container, so the guest let go of the devices): unplugs the
    /// devices, then unbinds the volumes and the rootfs. Each step runs even if an earlier one failed; a device whose
    /// VM is gone counts as unplugged. A second call finds nothing left to do.
    /// </summary>
    public async ValueTask ReleaseAsync(CancellationToken ct)
    {
        var failures = new List<Exception>();
        try
        {
            for (int i = _devices.Count - 1; i >= 0; i--)
            {
                try
                {
                    await _sandbox.Blocks!.DetachAsync(_devices[i], ct).ConfigureAwait(false);
                }
                catch (QmpConnectionClosedException)
                {
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add(e);
                }

                _devices.RemoveAt(i);
            }
        }
        finally
        {
            // Even a cancelled release leaves no host mount behind.
            Clean(Record, failures);
            _shareVolumes.Clear();
            _shareDirectory = null;
            _bundleRootfs = null;
        }

        if (failures.Count > 0)
        {
            throw new VolumeException($"container {_id}: releasing its storage failed: {string.Join("; ", failures.Select(f => f.Message))}", failures[0]);
        }
    }

    /// <summary>Undoes the host side of <paramref name="record"/> from its paths alone (after a shim crash; QEMU took the devices with it).</summary>
    public static void Clean(StorageRecord record)
    {
        var failures = new List<Exception>();
        Clean(record, failures);
        if (failures.Count > 0)
        {
            throw new VolumeException($"container {record.ContainerId}: cleaning its storage failed: {string.Join("; ", failures.Select(f => f.Message))}", failures[0]);
        }
    }

    private static void Clean(StorageRecord record, List<Exception> failures)
    {
        var steps = new List<Action>();
        steps.AddRange(record.ShareVolumes.Reverse().Select(path => (Action)(() => SandboxShare.RemoveVolume(path))));
        if (record.ShareDirectory is string directory)
        {
            steps.Add(() => SandboxShare.RemoveContainerDirectory(directory));
        }

        if (record.BundleRootfs is string rootfs)
        {
            steps.Add(() => Mounts.UnmountAll(rootfs));
        }

        foreach (Action step in steps)
        {
            try
            {
                step();
            }
            catch (Exception e)
            {
                // The next step runs whatever this one says: each undoes something of its own.
                failures.Add(e);
            }
        }
    }

    /// <summary>
    /// A single block-device rootfs mount is plugged and mounted by the guest (kata's checkAndMount/hotplugDrive);
    /// otherwise containerd's mounts go on the bundle's rootfs (none: ctr --rootfs, the spec's root path relative to the
    /// bundle), which is bound into the share.
    /// </summary>
    private async ValueTask AddRootfsAsync(ContainerRequest request, Spec spec, CancellationToken ct)
    {
        bool readOnly = spec.Root?.Readonly ?? false;
        if (request.Rootfs is [RootfsMount only] && _sandbox.Plugs && SpecMounts.TryStat(only.Source) is { IsBlockDevice: true })
        {
            BlockAttachment device;
            try
            {
                device = await AttachAsync(only.Source, MountOptions.Parse(only.Options).Flags.HasFlag(MountFlags.ReadOnly), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new VolumeException($"container {_id}: rootfs (source {only.Source}): {e.Message}", e);
            }

            _shareDirectory = Path.Combine(_sandbox.Share.MountsDirectory, _id);
            string guestRoot = _sandbox.Share.AddBlockRootfs(_id);
            var rootfs = new AgentStorage { Driver = device.AgentDriver, Source = device.GuestAddress, Fstype = only.Type, MountPoint = guestRoot };
            rootfs.Options.Add(SpecMounts.FilesystemOptions(only.Options));
            if (only.Type == "xfs")
            {
                // Snapshots of one image share the filesystem UUID, which xfs refuses to mount twice.
                rootfs.Options.Add("nouuid");
            }

            _storages.Add(rootfs);
            spec.Root = new Root { Path = guestRoot, Readonly = readOnly };
            return;
        }

        string bundleRootfs = Path.Combine(request.Bundle, request.Rootfs.Count > 0 ? "rootfs" : spec.Root?.Path ?? "rootfs");
        if (request.Rootfs.Count > 0)
        {
            RootfsMounter.Mount(request.Rootfs, bundleRootfs);
            _bundleRootfs = bundleRootfs;
        }

        _shareDirectory = Path.Combine(_sandbox.Share.MountsDirectory, _id);
        spec.Root = new Root { Path = _sandbox.Share.AddRootfs(_id, bundleRootfs), Readonly = readOnly };
    }

    private async ValueTask AddVolumeAsync(Mount mount, CancellationToken ct)
    {
        try
        {
            switch (VolumeClassifier.Classify(mount, _sandbox.Settings, _sandbox.Plugs))
            {
                case VolumeKind.Shm:
                    SandboxShm.Rewrite(mount, _sandbox.Settings.ShmSize);
                    break;
                case VolumeKind.Ephemeral:
                    _storages.Add(GuestVolumes.Ephemeral(mount));
                    break;
                case VolumeKind.Local:
                    _storages.Add(GuestVolumes.Local(mount, _sandbox.Settings.SandboxId));
                    break;
                case VolumeKind.Share:
                    Share(mount);
                    break;
                case VolumeKind.Block:
                    await PlugAsync(mount, ct).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is not (OperationCanceledException or VolumeException))
        {
            throw new VolumeException($"container {_id}: mount {mount.Destination} (source {mount.Source}): {e.Message}", e);
        }
    }

    /// <summary>kata's ShareFile: the source bound into the share under CID-RANDOM-BASENAME, read-only if the mount is.</summary>
    private void Share(Mount mount)
    {
        string name = $"{_id}-{Random.Shared.GetHexString(16, lowercase: true)}-{Path.GetFileName(mount.Destination.TrimEnd('/'))}";
        string guestPath = _sandbox.Share.AddVolume(name, mount.Source, SpecMounts.IsReadOnly(mount));
        _shareVolumes.Add(Path.Combine(_sandbox.Share.MountsDirectory, name));
        mount.Source = guestPath;
    }

    /// <summary>
    /// A plugged volume, mounted once per device by the guest below its storage dir. A bind of a device node stays a
    /// bind (the container gets the node, as with runc: kata's fstype "bind"); a filesystem mount or a marked image file
    /// is mounted with its type there and bound into the container.
    /// </summary>
    private async ValueTask PlugAsync(Mount mount, CancellationToken ct)
    {
        bool readOnly = SpecMounts.IsReadOnly(mount);
        BlockAttachment device = await AttachAsync(mount.Source, readOnly, ct).ConfigureAwait(false);
        bool nodeBind = SpecMounts.IsBind(mount) && !mount.Options.Contains(SpecMounts.FileBlockDeviceOption);
        var storage = new AgentStorage
        {
            Driver = device.AgentDriver,
            Source = device.GuestAddress,
            Fstype = nodeBind ? "bind" : mount.Type,
            MountPoint = device.GuestMountPoint,
        };
        storage.Options.Add(nodeBind ? mount.Options : SpecMounts.FilesystemOptions(mount.Options));
        _storages.Add(storage);
        mount.Source = device.GuestMountPoint;
        if (!nodeBind)
        {
            mount.Type = "bind";
            mount.Options.Clear();
            mount.Options.Add(readOnly ? ["bind", "ro"] : ["bind"]);
        }
    }

    private async ValueTask<BlockAttachment> AttachAsync(string hostPath, bool readOnly, CancellationToken ct)
    {
        BlockAttachment device = await _sandbox.Blocks!.AttachAsync(hostPath, readOnly, ct).ConfigureAwait(false);
        _devices.Add(device);
        return device;
    }
}
