using AotShim.Native;
using AotShim.Shim.Agent.Protocol;
using AgentStorage = AotShim.Shim.Agent.Protocol.Storage;

namespace AotShim.Shim.Storage;

/// <summary>
/// The pod's /dev/shm as kata provides it: when the sandbox's spec mounts /dev/shm, the guest gets one tmpfs of that
/// size at CreateSandbox and every container's /dev/shm binds it; without one, each container gets a 64 MiB tmpfs.
/// </summary>
public static class SandboxShm
{
    public const string Destination = "/dev/shm";

    /// <summary>kata's DefaultShmSize.</summary>
    public const ulong DefaultSize = 64UL << 20;

    /// <summary>
    /// kata's getShmSize: 0 without a /dev/shm mount; the size of the host tmpfs a bind names (CRI's sandbox shm);
    /// otherwise <see cref="DefaultSize"/>.
    /// </summary>
    public static ulong SizeOf(Spec sandboxSpec)
    {
        Mount? shm = sandboxSpec.Mounts.FirstOrDefault(m => m.Destination == Destination);
        if (shm is null)
        {
            return 0;
        }

        if (!SpecMounts.IsBind(shm) || shm.Source == Destination)
        {
            return DefaultSize;
        }

        try
        {
            return FileSystems.SizeBytes(shm.Source);
        }
        catch (NativeException e)
        {
            throw new VolumeException($"mount {shm.Destination} (source {shm.Source}): cannot size the sandbox's shm: {e.Message}", e);
        }
    }

    /// <summary>The CreateSandbox storage that makes the pod's shm tmpfs (only when <see cref="SizeOf"/> is not 0).</summary>
    public static AgentStorage Storage(ulong size) => new()
    {
        Driver = "ephemeral",
        Source = "shm",
        Fstype = "tmpfs",
        MountPoint = GuestPaths.Shm,
        Options = { "noexec", "nosuid", "nodev", "mode=1777", $"size={size}" },
    };

    /// <summary>kata's handleShm: a container's /dev/shm binds the pod's, or is a tmpfs of its own.</summary>
    internal static void Rewrite(Mount mount, ulong sandboxShmSize)
    {
        mount.Options.Clear();
        if (sandboxShmSize > 0)
        {
            mount.Type = "bind";
            mount.Source = GuestPaths.Shm;
            mount.Options.Add("rbind");
        }
        else
        {
            mount.Type = "tmpfs";
            mount.Source = "shm";
            mount.Options.Add(["noexec", "nosuid", "nodev", "mode=1777", $"size={DefaultSize}"]);
        }
    }
}
