namespace AotShim.Native;

/// <summary>The mount(2) flags the shim uses (linux/mount.h).</summary>
[Flags]
public enum MountFlags : ulong
{
    None = 0,
    ReadOnly = 1,
    NoSuid = 2,
    NoDev = 4,
    NoExec = 8,
    Remount = 32,
    Bind = 4096,
    Recursive = 16384,
    Private = 1 << 18,
    Slave = 1 << 19,
    Shared = 1 << 20,
}
