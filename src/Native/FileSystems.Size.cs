using Tmds.Linux;

namespace AotShim.Native;

public static partial class FileSystems
{
    /// <summary>statvfs(2): the total size in bytes of the filesystem holding <paramref name="path"/> (a tmpfs's size= limit).</summary>
    public static unsafe ulong SizeBytes(string path)
    {
        byte[] bytes = Files.NullTerminated(path);
        statvfs buffer;
        fixed (byte* p = bytes)
        {
            Syscall.Check(LibC.statvfs(p, &buffer), $"statvfs(\"{path}\")");
        }

        return (ulong)buffer.f_frsize * (ulong)buffer.f_blocks;
    }
}
