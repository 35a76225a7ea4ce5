using Tmds.Linux;

namespace AotShim.Native;

/// <summary>A private mount namespace for the calling thread and the children it spawns.</summary>
public static class MountNamespace
{
    private const int CloneNewNs = 0x00020000;

    /// <summary>
    /// unshare(CLONE_NEWNS), then every mount becomes a recursive slave: the host's later mounts still arrive, ours
    /// never leave, and they vanish with the namespace's last process. Affects only this thread and what it spawns.
    /// </summary>
    public static void UnshareAsSlave()
    {
        Syscall.Check(LibC.unshare(CloneNewNs), "unshare(CLONE_NEWNS)");
        Mounts.Mount(null, "/", null, MountFlags.Recursive | MountFlags.Slave);
    }
}
