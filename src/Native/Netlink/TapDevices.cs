using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AotShim.Native.Netlink;

/// <summary>The queue fds QEMU's tap netdev takes: tun/tap queues, macvtap queues and vhost-net.</summary>
public static class TapDevices
{
    private const string TunPath = "/dev/net/tun";
    private const string VhostNetPath = "/dev/vhost-net";

    private const short IffTap = 0x0002;
    private const short IffMultiQueue = 0x0100;
    private const short IffNoPi = 0x1000;
    private const short IffVnetHdr = 0x4000;

    /// <summary>TUNSETIFF = _IOW('T', 202, int).</summary>
    private static readonly uint TunSetIff = Ioctl.Iow('T', 202, sizeof(int));

    /// <summary>Whether /dev/vhost-net exists; without it QEMU must get vhost=off (vhost=on would crash it).</summary>
    public static bool VhostNetAvailable => File.Exists(VhostNetPath);

    /// <summary>
    /// Creates tap <paramref name="name"/> in the calling thread's network namespace with one queue fd per
    /// <paramref name="queues"/> (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE). It is not persistent: it
    /// disappears when the last queue fd closes. An existing interface of that name is refused rather than joined.
    /// </summary>
    public static IReadOnlyList<SafeFileHandle> CreateTap(string name, int queues)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queues);
        using (RouteNetlink netlink = RouteNetlink.Open())
        {
            if (netlink.FindLink(name) is LinkInfo existing)
            {
                throw new IOException($"tap \"{name}\": an interface of that name already exists ({existing.Kind} link {existing.Index})");
            }
        }

        return OpenQueues(queues, queue =>
        {
            FileDescriptor fd = Files.Open(TunPath, OpenFlags.ReadWrite);
            Attach(fd, name, IffTap | IffNoPi | IffVnetHdr | IffMultiQueue, $"TUNSETIFF \"{name}\" queue {queue}");
            return fd;
        });
    }

    /// <summary>
    /// Opens <paramref name="queues"/> queues of macvtap <paramref name="ifIndex"/> in the calling thread's network
    /// namespace, with IFF_VNET_HDR (and IFF_MULTI_QUEUE when more than one) as QEMU expects. The character device
    /// is the macvtap's own (see <see cref="MacvtapNode"/>), not whatever /dev/tap{ifIndex} happens to be.
    /// </summary>
    public static IReadOnlyList<SafeFileHandle> OpenMacvtap(int ifIndex, int queues)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queues);
        short flags = (short)(IffTap | IffNoPi | IffVnetHdr | (queues > 1 ? IffMultiQueue : 0));
        return MacvtapNode.Open(ifIndex, node => OpenQueues(queues, queue =>
        {
            FileDescriptor fd = Files.Open(node, OpenFlags.ReadWrite);
            Attach(fd, "", flags, $"TUNSETIFF macvtap link {ifIndex} queue {queue}");
            return fd;
        }));
    }

    /// <summary>One vhost-net fd (QEMU's vhostfds takes one per queue); fails naming /dev/vhost-net when it is absent.</summary>
    public static SafeFileHandle OpenVhostNet() => ToSafeFileHandle(Files.Open(VhostNetPath, OpenFlags.ReadWrite));

    /// <summary>Opens every queue or, when one fails, closes those already open.</summary>
    private static List<SafeFileHandle> OpenQueues(int queues, Func<int, FileDescriptor> open)
    {
        var handles = new List<SafeFileHandle>(queues);
        try
        {
            for (int queue = 0; queue < queues; queue++)
            {
                handles.Add(ToSafeFileHandle(open(queue)));
            }

            return handles;
        }
        catch
        {
            foreach (SafeFileHandle handle in handles)
            {
                handle.Dispose();
            }

            throw;
        }
    }

    private static void Attach(FileDescriptor fd, string name, int flags, string what)
    {
        try
        {
            var request = new InterfaceRequest { Flags = (short)flags };
            Encoding.UTF8.GetBytes(name, request.NameBytes);
            Ioctl.Exchange(fd, TunSetIff, ref request, what);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    private static SafeFileHandle ToSafeFileHandle(FileDescriptor fd)
    {
        var handle = new SafeFileHandle(fd.DangerousGetHandle(), ownsHandle: true);
        fd.SetHandleAsInvalid();
        return handle;
    }

    /// <summary>struct ifreq as TUNSETIFF reads it: the name, then ifr_flags, in a 40-byte union.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    private unsafe struct InterfaceRequest
    {
        private fixed byte _name[16];

        public short Flags;

        // Leaves the terminating NUL: names are at most 15 bytes.
        [System.Diagnostics.CodeAnalysis.UnscopedRef]
        public Span<byte> NameBytes => MemoryMarshal.CreateSpan(ref _name[0], 15);
    }
}
