using AotShim.Native;
using AotShim.Shim.Agent.Protocol;

namespace AotShim.Shim.Storage;

/// <summary>How kata reads an OCI spec mount: bind by type or option, read-only by option, and what its source is on the host.</summary>
internal static class SpecMounts
{
    /// <summary>kata's IsFileBlockDevice option: the (regular file) source is a disk image to plug, not a file to bind.</summary>
    public const string FileBlockDeviceOption = "io.katacontainers.fs-opt.block_device=file";

    /// <summary>Options of kata's own (io.katacontainers.fs-opt.*): instructions to the runtime, never mount(2) data.</summary>
    private const string KataOptionPrefix = "io.katacontainers.fs-opt.";

    private const string EmptyDirPlugin = "kubernetes.io~empty-dir";

    /// <summary>runc's rule, which kata follows: a bind or rbind option makes any mount a bind mount.</summary>
    public static bool IsBind(Mount mount) => mount.Type == "bind" || MountOptions.Parse(mount.Options).IsBind;

    public static bool IsReadOnly(Mount mount) => (MountOptions.Parse(mount.Options).Flags & MountFlags.ReadOnly) != 0;

    /// <summary>The options a filesystem mount of the volume takes: the spec's, less binds and kata's own.</summary>
    public static IEnumerable<string> FilesystemOptions(IEnumerable<string> options) =>
        options.Where(o => o is not ("bind" or "rbind") && !o.StartsWith(KataOptionPrefix, StringComparison.Ordinal));

    /// <summary>kata's isSystemMount: host /proc and /sys are never shared (the guest has its own).</summary>
    public static bool IsSystemPath(string source) => IsUnder(source, "/proc") || IsUnder(source, "/sys");

    /// <summary>kata's isHostDevice: /dev and what exists below it, other than regular files, means the guest's own.</summary>
    public static bool IsHostDevice(string source)
    {
        if (!IsUnder(source, "/dev"))
        {
            return false;
        }

        return TryStat(source) is FileStatus status && !status.IsRegularFile;
    }

    /// <summary>A Kubernetes emptyDir: kubelet's path is .../volumes/kubernetes.io~empty-dir/NAME.</summary>
    public static bool IsEmptyDir(string source)
    {
        string[] parts = source.Split('/');
        return parts.Length > 1 && parts[^2] == EmptyDirPlugin;
    }

    /// <summary>A medium-Memory emptyDir: kubelet mounted a tmpfs on it.</summary>
    public static bool IsMemoryBacked(string source) =>
        Mounts.IsMountPoint(source) && FileSystems.Type(source) == FileSystems.TmpfsMagic;

    /// <summary>A host block device, or an image file the spec marks with <see cref="FileBlockDeviceOption"/>.</summary>
    public static bool IsBlockSource(Mount mount)
    {
        if (!Path.IsPathFullyQualified(mount.Source) || TryStat(mount.Source) is not FileStatus status)
        {
            return false;
        }

        return status.IsBlockDevice || (status.IsRegularFile && mount.Options.Contains(FileBlockDeviceOption));
    }

    /// <summary>The stat of a source, or null when it does not exist: kata leaves such a source for later steps to refuse.</summary>
    public static FileStatus? TryStat(string path)
    {
        try
        {
            return FileStatus.Of(path);
        }
        catch (NativeException)
        {
            return null;
        }
    }

    private static bool IsUnder(string path, string root)
    {
        string clean = Clean(path);
        return clean == root || clean.StartsWith(root + "/", StringComparison.Ordinal);
    }

    private static string Clean(string path) => Path.IsPathFullyQualified(path) ? Path.GetFullPath(path).TrimEnd('/') : path;
}
