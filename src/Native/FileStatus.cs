using Tmds.Linux;

namespace AotShim.Native;

/// <summary>stat(2) reduced to what the shim asks of a mount source: its type, owning group and, for a device node, its number.</summary>
public readonly record struct FileStatus(uint Mode, uint Gid, ulong DeviceNumber)
{
    public bool IsBlockDevice => LibC.S_ISBLK((mode_t)Mode);

    public bool IsDirectory => LibC.S_ISDIR((mode_t)Mode);

    public bool IsRegularFile => LibC.S_ISREG((mode_t)Mode);

    /// <summary>The device number's major part, as glibc's gnu_dev_major splits st_rdev.</summary>
    public uint Major => (uint)(((DeviceNumber >> 32) & 0xFFFFF000) | ((DeviceNumber >> 8) & 0xFFF));

    public uint Minor => (uint)(((DeviceNumber >> 12) & 0xFFFFFF00) | (DeviceNumber & 0xFF));

    /// <summary>stat(2), following symlinks; the error names the path, e.g. stat("/dev/sdz"): ENOENT.</summary>
    public static unsafe FileStatus Of(string path)
    {
        byte[] bytes = Files.NullTerminated(path);
        stat buffer;
        fixed (byte* p = bytes)
        {
            Syscall.Check(LibC.stat(p, &buffer), $"stat(\"{path}\")");
        }

        return new FileStatus((uint)buffer.st_mode, (uint)buffer.st_gid, (ulong)buffer.st_rdev);
    }
}
