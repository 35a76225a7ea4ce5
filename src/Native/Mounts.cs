using Tmds.Linux;

namespace AotShim.Native;

/// <summary>mount(2), umount2(2) and the mount table.</summary>
public static class Mounts
{
    private const int MntDetach = 2;

    /// <summary>mount(2); the error names every argument, e.g. mount("overlay", "/b/rootfs", "overlay", 0, "lowerdir=..."): EINVAL.</summary>
    public static unsafe void Mount(string? source, string target, string? type, MountFlags flags, string? data = null)
    {
        byte[]? sourceBytes = source is null ? null : Files.NullTerminated(source);
        byte[] targetBytes = Files.NullTerminated(target);
        byte[]? typeBytes = type is null ? null : Files.NullTerminated(type);
        byte[]? dataBytes = data is null ? null : Files.NullTerminated(data);
        fixed (byte* s = sourceBytes, t = targetBytes, f = typeBytes, d = dataBytes)
        {
            Syscall.Check(LibC.mount(s, t, f, (ulong_t)(ulong)flags, d), $"mount(\"{source}\", \"{target}\", \"{type}\", {flags}, \"{data}\")");
        }
    }

    /// <summary>Whether <paramref name="path"/> is a mount point in this mount namespace (/proc/self/mountinfo).</summary>
    public static bool IsMountPoint(string path)
    {
        string target = Path.GetFullPath(path).TrimEnd('/');
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // Field 5 is the mount point, with spaces and backslashes octal-escaped.
            string[] fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == target)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Mount points at or below <paramref name="directory"/>, in mount order.</summary>
    public static IReadOnlyList<string> Under(string directory)
    {
        string root = Path.GetFullPath(directory).TrimEnd('/');
        var found = new List<string>();
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) is var point && (point == root || point.StartsWith(root + "/", StringComparison.Ordinal)))
            {
                found.Add(point);
            }
        }

        return found;
    }

    /// <summary>
    /// Detaches every mount stacked on <paramref name="path"/>; a path that is not mounted is left alone, also when
    /// another process (a shim still exiting while containerd runs `delete`) unmounts it first.
    /// </summary>
    public static unsafe void UnmountAll(string path)
    {
        byte[] bytes = Files.NullTerminated(path);
        while (IsMountPoint(path))
        {
            fixed (byte* p = bytes)
            {
                if (LibC.umount2(p, MntDetach) == -1)
                {
                    int errno = LibC.errno;
                    if (errno is not (Errnos.EINVAL or Errnos.ENOENT) || IsMountPoint(path))
                    {
                        throw new NativeException($"umount2(\"{path}\", MNT_DETACH)", errno);
                    }
                }
            }
        }
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
