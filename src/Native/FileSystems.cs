using System.Runtime.InteropServices;

namespace AotShim.Native;

/// <summary>statfs(2), which Tmds.LibC does not bind; only the filesystem magic is exposed.</summary>
public static partial class FileSystems
{
    public const long TmpfsMagic = 0x01021994;
    public const long Cgroup2Magic = 0x63677270;
    public const long CgroupMagic = 0x27e0eb;

    /// <summary>The f_type of the filesystem holding <paramref name="path"/>.</summary>
    public static unsafe long Type(string path)
    {
        // struct statfs is 120 bytes on x86_64 and arm64; f_type is its first word on both.
        byte* buffer = stackalloc byte[256];
        byte[] bytes = Files.NullTerminated(path);
        int result;
        fixed (byte* p = bytes)
        {
            do
            {
                result = statfs(p, buffer);
            }
            while (Syscall.Interrupted(result));
        }

        Syscall.Check(result, $"statfs(\"{path}\")");
        return *(long*)buffer;
    }

    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true)]
    private static unsafe partial int statfs(byte* path, byte* buffer);
}
