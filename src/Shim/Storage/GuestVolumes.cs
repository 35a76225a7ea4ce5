using AotShim.Native;
using AotShim.Shim.Agent.Protocol;
using AgentStorage = AotShim.Shim.Agent.Protocol.Storage;

namespace AotShim.Shim.Storage;

/// <summary>
/// emptyDirs the guest makes itself (kata's handleEphemeralStorage and handleLocalStorage): the agent creates a tmpfs
/// or a directory, the container binds it. A volume whose host directory belongs to a group other than root (an
/// fsGroup) passes it on as fsgid=GID.
/// </summary>
internal static class GuestVolumes
{
    /// <summary>A medium-Memory emptyDir: a tmpfs at /run/kata-containers/sandbox/ephemeral/NAME.</summary>
    public static AgentStorage Ephemeral(Mount mount)
    {
        string guestPath = $"{GuestPaths.Ephemeral}/{Name(mount)}";
        var storage = new AgentStorage { Driver = "ephemeral", Source = "tmpfs", Fstype = "tmpfs", MountPoint = guestPath };
        AddFsGroup(storage, mount.Source);
        BindTo(mount, guestPath);
        return storage;
    }

    /// <summary>A disk emptyDir: a world-writable directory below the sandbox container's rootfs in the share (kata's "local").</summary>
    public static AgentStorage Local(Mount mount, string sandboxId)
    {
        string guestPath = $"{SandboxShare.GuestDirectory}/{sandboxId}/rootfs/local/{Name(mount)}";
        var storage = new AgentStorage { Driver = "local", Source = "local", Fstype = "local", MountPoint = guestPath, Options = { "mode=0777" } };
        AddFsGroup(storage, mount.Source);
        BindTo(mount, guestPath);
        return storage;
    }

    private static string Name(Mount mount) => Path.GetFileName(mount.Source.TrimEnd('/'));

    private static void AddFsGroup(AgentStorage storage, string hostPath)
    {
        uint gid = FileStatus.Of(hostPath).Gid;
        if (gid != 0)
        {
            storage.Options.Add($"fsgid={gid}");
        }
    }

    private static void BindTo(Mount mount, string guestPath)
    {
        mount.Source = guestPath;
        mount.Type = "bind";
        if (!SpecMounts.IsBind(mount))
        {
            mount.Options.Add("rbind");
        }
    }
}
