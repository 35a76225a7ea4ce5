using System.Runtime.InteropServices;
using Tmds.Linux;

namespace AotShim.Native.Netlink;

/// <summary>
/// The character device of a macvtap. Its devtmpfs node is named /dev/tap{ifindex}, but ifindexes repeat across
/// network namespaces while /dev does not: with two pods' macvtaps at the same index the node belongs to whichever
/// came first (verified on this host). So the device number is read from a sysfs mounted inside the macvtap's own
/// namespace, and the node is made on a tmpfs of a private mount namespace; both vanish with the thread that made them.
/// </summary>
internal static partial class MacvtapNode
{
    private const int CloneNewNs = 0x00020000;
    private const uint CharacterDevice = 0x2000;
    private const uint OwnerReadWrite = 0x180;

    /// <summary>Runs <paramref name="open"/> with the path of a node for macvtap <paramref name="ifIndex"/> of the calling thread's namespace.</summary>
    public static T Open<T>(int ifIndex, Func<string, T> open)
    {
        using NetworkNamespace current = NetworkNamespace.Open("/proc/thread-self/ns/net");
        return NamespaceThread.Run("macvtap", () =>
        {
            current.Enter();
            Syscall.Check(LibC.unshare(CloneNewNs), "unshare(CLONE_NEWNS)");
            Mounts.Mount(null, "/", null, MountFlags.Recursive | MountFlags.Private);
            Mounts.Mount("sysfs", "/sys", "sysfs", MountFlags.NoSuid | MountFlags.NoExec | MountFlags.NoDev);
            ulong device = DeviceNumber(ifIndex);
            Mounts.Mount("tmpfs", "/sys", "tmpfs", MountFlags.NoSuid | MountFlags.NoExec, "mode=0700");
            string node = $"/sys/tap{ifIndex}";
            MakeNode(node, device);
            return open(node);
        });
    }

    /// <summary>makedev() of /sys/class/net/*/macvtap/tap{ifIndex}/dev ("major:minor").</summary>
    private static ulong DeviceNumber(int ifIndex)
    {
        foreach (string link in Directory.EnumerateDirectories("/sys/class/net"))
        {
            string dev = Path.Combine(link, "macvtap", "tap" + ifIndex, "dev");
            if (File.Exists(dev))
            {
                string[] parts = File.ReadAllText(dev).Trim().Split(':');
                return MakeDevice(uint.Parse(parts[0]), uint.Parse(parts[1]));
            }
        }

        throw new ArgumentException($"link {ifIndex} is not a macvtap in this network namespace (no /sys/class/net/*/macvtap/tap{ifIndex})", nameof(ifIndex));
    }

    /// <summary>glibc's gnu_dev_makedev.</summary>
    private static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8) | ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);

    private static unsafe void MakeNode(string path, ulong device)
    {
        fixed (byte* p = Files.NullTerminated(path))
        {
            Syscall.Check(mknod(p, CharacterDevice | OwnerReadWrite, device), $"mknod(\"{path}\", 0x{device:x})");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int mknod(byte* path, uint mode, ulong device);
}
