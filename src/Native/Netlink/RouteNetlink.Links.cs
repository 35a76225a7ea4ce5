using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using System.Text;

namespace AotShim.Native.Netlink;

/// <summary>Links: list, look up, set up/down, MTU, MAC and name, create a macvtap, delete.</summary>
public sealed partial class RouteNetlink
{
    private const ushort RtmNewLink = 16;
    private const ushort RtmDelLink = 17;
    private const ushort RtmGetLink = 18;

    private const ushort IflaAddress = 1;
    private const ushort IflaIfname = 3;
    private const ushort IflaMtu = 4;
    private const ushort IflaLink = 5;
    private const ushort IflaLinkinfo = 18;
    private const ushort IflaNumTxQueues = 31;
    private const ushort IflaNumRxQueues = 32;
    private const ushort IflaInfoKind = 1;
    private const ushort IflaInfoData = 2;
    private const ushort IflaMacvlanMode = 1;
    private const uint MacvlanModeBridge = 4;
    private const uint IffUp = 1;

    // IFNAMSIZ is 16 with the terminating NUL.
    private const int MaxNameBytes = 15;

    public IReadOnlyList<LinkInfo> ListLinks()
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmGetLink, NetlinkSocket.Request | NetlinkSocket.Dump);
        request.Header(new InterfaceInfoMessage { Family = AfUnspec });
        return _socket.DumpAll(request.Finish(), "RTM_GETLINK dump", ParseLink);
    }

    /// <summary>The link named <paramref name="name"/> in this namespace, or null.</summary>
    public LinkInfo? FindLink(string name)
    {
        CheckName(name);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmGetLink, NetlinkSocket.Request | NetlinkSocket.Ack);
        request.Header(new InterfaceInfoMessage { Family = AfUnspec });
        request.Attribute(IflaIfname, name);
        return GetLink(request.Finish(), $"RTM_GETLINK \"{name}\"");
    }

    /// <summary>The link with index <paramref name="index"/> in this namespace, or null.</summary>
    public LinkInfo? FindLink(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmGetLink, NetlinkSocket.Request | NetlinkSocket.Ack);
        request.Header(new InterfaceInfoMessage { Family = AfUnspec, Index = index });
        return GetLink(request.Finish(), $"RTM_GETLINK link {index}");
    }

    public void SetUp(int index, bool up)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmNewLink, NetlinkSocket.Request | NetlinkSocket.Ack);
        request.Header(new InterfaceInfoMessage { Family = AfUnspec, Index = index, Flags = up ? IffUp : 0, Change = IffUp });
        _socket.Execute(request.Finish(), () => $"RTM_NEWLINK {Link(index)} {(up ? "up" : "down")}");
    }

    public void SetMtu(int index, int mtu)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mtu);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmNewLink, NetlinkSocket.Request | NetlinkSocket.Ack);
        request.Header(new InterfaceInfoMessage { Family = AfUnspec, Index = index });
        request.Attribute(IflaMtu, (uint)mtu);
        _socket.Execute(request.Finish(), () => $"RTM_NEWLINK {Link(index)} mtu {mtu}");
    }

    public void SetMac(int index, PhysicalAddress mac)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmNewLink, NetlinkSocket.Request | NetlinkSocket.Ack);
        request.Header(new InterfaceInfoMessage { Family = AfUnspec, Index = index });
        request.Attribute(IflaAddress, mac.GetAddressBytes());
        _socket.Execute(request.Finish(), () => $"RTM_NEWLINK {Link(index)} address {Format(mac)}");
    }

    /// <summary>Renames a link; the kernel refuses (EBUSY) while it is up.</summary>
    public void SetName(int index, string name)
    {
        CheckName(name);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmNewLink, NetlinkSocket.Request | NetlinkSocket.Ack);
        request.Header(new InterfaceInfoMessage { Family = AfUnspec, Index = index });
        request.Attribute(IflaIfname, name);
        _socket.Execute(request.Finish(), () => $"RTM_NEWLINK {Link(index)} name \"{name}\"");
    }

    /// <summary>`ip link add link PARENT name NAME address MAC numtxqueues Q numrxqueues Q type macvtap mode bridge`; returns the new index.</summary>
    public int CreateMacvtap(string name, int parentIndex, PhysicalAddress mac, int queues)
    {
        CheckName(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queues);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmNewLink, NetlinkSocket.Request | NetlinkSocket.Ack | NetlinkSocket.Create | NetlinkSocket.Excl);
        request.Header(new InterfaceInfoMessage { Family = AfUnspec });
        request.Attribute(IflaIfname, name);
        request.Attribute(IflaLink, (uint)parentIndex);
        request.Attribute(IflaAddress, mac.GetAddressBytes());
        request.Attribute(IflaNumTxQueues, (uint)queues);
        request.Attribute(IflaNumRxQueues, (uint)queues);
        int linkInfo = request.BeginNested(IflaLinkinfo);
        request.Attribute(IflaInfoKind, "macvtap");
        int data = request.BeginNested(IflaInfoData);
        request.Attribute(IflaMacvlanMode, MacvlanModeBridge);
        request.EndNested(data);
        request.EndNested(linkInfo);
        string operation = $"RTM_NEWLINK macvtap \"{name}\"";
        _socket.Execute(request.Finish(), () => $"{operation} on {Link(parentIndex)}");
        return FindLink(name)?.Index ?? throw new IOException($"{operation}: created, but gone at once");
    }

    public void DeleteLink(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmDelLink, NetlinkSocket.Request | NetlinkSocket.Ack);
        request.Header(new InterfaceInfoMessage { Family = AfUnspec, Index = index });
        _socket.Execute(request.Finish(), () => $"RTM_DELLINK {Link(index)}");
    }

    private static void CheckName(string name)
    {
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes is 0 or > MaxNameBytes || name.Contains('/') || name.Contains(' ') || name is "." or "..")
        {
            throw new ArgumentException($"\"{name}\" is not a valid interface name (1-{MaxNameBytes} bytes, no '/' or space)", nameof(name));
        }
    }

    private static string Format(PhysicalAddress mac) => string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2")));

    private static LinkInfo? ParseLink(ushort type, ReadOnlySpan<byte> payload)
    {
        if (type != RtmNewLink)
        {
            return null;
        }

        InterfaceInfoMessage header = ReadHeader<InterfaceInfoMessage>(payload);
        string name = "";
        string kind = "";
        PhysicalAddress mac = PhysicalAddress.None;
        int mtu = 0;
        int parent = 0;
        int txQueues = 0;
        var attributes = new NetlinkAttributes(AttributesAfter<InterfaceInfoMessage>(payload));
        while (attributes.MoveNext())
        {
            switch (attributes.Type)
            {
                case IflaIfname:
                    name = attributes.String;
                    break;
                case IflaAddress:
                    mac = attributes.Mac;
                    break;
                case IflaMtu:
                    mtu = (int)attributes.UInt32;
                    break;
                case IflaLink:
                    parent = (int)attributes.UInt32;
                    break;
                case IflaNumTxQueues:
                    txQueues = (int)attributes.UInt32;
                    break;
                case IflaLinkinfo:
                    kind = Kind(attributes.Value);
                    break;
            }
        }

        return new LinkInfo(header.Index, name, kind, mac, mtu, (header.Flags & IffUp) != 0, parent, txQueues);
    }

    private static string Kind(ReadOnlySpan<byte> linkInfo)
    {
        var attributes = new NetlinkAttributes(linkInfo);
        while (attributes.MoveNext())
        {
            if (attributes.Type == IflaInfoKind)
            {
                return attributes.String;
            }
        }

        return "";
    }

    private LinkInfo? GetLink(Span<byte> request, string operation)
    {
        LinkInfo? found = null;
        int errno = _socket.TryExecute(request, (type, payload) => found ??= ParseLink(type, payload));
        return errno switch
        {
            0 => found,
            Errnos.ENODEV => null,
            _ => throw new NativeException(operation, errno),
        };
    }

    /// <summary>struct ifinfomsg.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct InterfaceInfoMessage
    {
        public byte Family;
        public byte Padding;
        public ushort Type;
        public int Index;
        public uint Flags;
        public uint Change;
    }
}
