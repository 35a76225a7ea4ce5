using Tmds.Linux;

namespace AotShim.Native;

/// <summary>umount2(2) and the mount table, for cleaning up what a dead shim left mounted.</summary>
public static class Mounts
{
    private const int MntDetach = 2;

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

    /// <summary>Detaches every mount stacked on <paramref name="path"/>; a path that is not mounted is left alone.</summary>
    public static unsafe void UnmountAll(string path)
    {
        while (IsMountPoint(path))
        {
            byte[] bytes = Files.NullTerminated(path);
            fixed (byte* p = bytes)
            {
                Syscall.Check(LibC.umount2(p, MntDetach), $"umount2(\"{path}\", MNT_DETACH)");
            }
        }
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
