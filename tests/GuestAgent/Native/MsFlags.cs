namespace AotShim.GuestAgent.Native;

/// <summary>Every mount(2) flag (MS_*) an fstab-style option can name, the same values on x86_64 and arm64.</summary>
[Flags]
internal enum MsFlags : ulong
{
    ReadOnly = 1,
    NoSuid = 2,
    NoDev = 4,
    NoExec = 8,
    Synchronous = 16,
    Remount = 32,
    Mandatory = 64,
    DirSync = 128,
    NoAtime = 1024,
    NoDirAtime = 2048,
    Bind = 4096,
    Recursive = 16384,
    Private = 1 << 18,
    RelAtime = 1 << 21,
    StrictAtime = 1 << 24,
}
