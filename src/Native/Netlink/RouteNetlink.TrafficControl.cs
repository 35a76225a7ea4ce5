using System.Runtime.InteropServices;

namespace AotShim.Native.Netlink;

/// <summary>
/// The tc objects of kata's tcfilter model: an ingress qdisc on each side and a u32 match-all filter whose mirred
/// action redirects every frame to the other side's egress.
/// </summary>
public sealed partial class RouteNetlink
{
    private const ushort RtmNewQdisc = 36;
    private const ushort RtmDelQdisc = 37;
    private const ushort RtmNewTfilter = 44;

    private const ushort TcaKind = 1;
    private const ushort TcaOptions = 2;
    private const ushort TcaU32Sel = 5;
    private const ushort TcaU32Act = 7;
    private const ushort TcaActKind = 1;
    private const ushort TcaActOptions = 2;
    private const ushort TcaMirredParms = 2;

    /// <summary>Handle ffff:0, the ingress qdisc's handle and its filters' parent.</summary>
    private const uint IngressHandle = 0xFFFF0000;

    /// <summary>TC_H_INGRESS.</summary>
    private const uint IngressParent = 0xFFFFFFF1;

    private const byte TcU32Terminal = 1;
    private const int TcaEgressRedir = 1;
    private const int TcActStolen = 4;

    /// <summary>ETH_P_ALL in network byte order, as tcm_info's low 16 bits want it.</summary>
    private const uint EthPAllNetworkOrder = 0x0300;

    /// <summary>`tc qdisc add dev LINK ingress` (handle ffff:).</summary>
    public void AddIngressQdisc(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmNewQdisc, NetlinkSocket.Request | NetlinkSocket.Ack | NetlinkSocket.Create | NetlinkSocket.Excl);
        request.Header(new TrafficControlMessage { Index = index, Handle = IngressHandle, Parent = IngressParent });
        request.Attribute(TcaKind, "ingress");
        request.EndNested(request.BeginNested(TcaOptions));
        _socket.Execute(request.Finish(), () => $"RTM_NEWQDISC ingress on {Link(index)}");
    }

    /// <summary>`tc qdisc del dev LINK ingress`; a qdisc that is already gone, or whose link is, is not an error.</summary>
    public void DeleteIngressQdisc(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmDelQdisc, NetlinkSocket.Request | NetlinkSocket.Ack);

        // Without handle and kind: once a link had an ingress qdisc, its place holds a noop one, which a handle or kind
        // would not match (EINVAL); with neither, a qdisc already gone is reported as ENOENT.
        request.Header(new TrafficControlMessage { Index = index, Parent = IngressParent });
        int errno = _socket.TryExecute(request.Finish());
        if (errno is not (0 or Errnos.ENOENT or Errnos.ENODEV))
        {
            throw new NativeException($"RTM_DELQDISC ingress on {Link(index)}", errno);
        }
    }

    /// <summary>
    /// `tc filter add dev FROM parent ffff: protocol all u32 match u8 0 0 action mirred egress redirect dev TO`:
    /// every frame arriving on FROM leaves through TO.
    /// </summary>
    public void AddRedirectFilter(int fromIndex, int toIndex)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmNewTfilter, NetlinkSocket.Request | NetlinkSocket.Ack | NetlinkSocket.Create | NetlinkSocket.Excl);

        // Priority 0 lets the kernel choose one, as tc does without `pref`.
        request.Header(new TrafficControlMessage { Index = fromIndex, Parent = IngressHandle, Info = EthPAllNetworkOrder });
        request.Attribute(TcaKind, "u32");
        int options = request.BeginNested(TcaOptions);

        // One key with mask 0 matches every packet; terminal because an action follows.
        request.Attribute(TcaU32Sel, new U32Selector { Flags = TcU32Terminal, KeyCount = 1 });
        int actions = request.BeginNested(TcaU32Act);
        int first = request.BeginNested(1);
        request.Attribute(TcaActKind, "mirred");
        int mirredOptions = request.BeginNested(TcaActOptions);
        request.Attribute(TcaMirredParms, new Mirred { Action = TcActStolen, ExtendedAction = TcaEgressRedir, Index = (uint)toIndex });
        request.EndNested(mirredOptions);
        request.EndNested(first);
        request.EndNested(actions);
        request.EndNested(options);
        _socket.Execute(request.Finish(), () => $"RTM_NEWTFILTER u32 mirred redirect from {Link(fromIndex)} to {Link(toIndex)}");
    }

    /// <summary>struct tcmsg.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct TrafficControlMessage
    {
        public byte Family;
        public byte Padding1;
        public ushort Padding2;
        public int Index;
        public uint Handle;
        public uint Parent;
        public uint Info;
    }

    /// <summary>struct tc_u32_sel followed by its one struct tc_u32_key (all zero: match anything).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct U32Selector
    {
        public byte Flags;
        public byte OffsetShift;
        public byte KeyCount;
        public byte Padding;
        public ushort OffsetMask;
        public ushort Offset;
        public short OffsetOffset;
        public short HashOffset;
        public uint HashMask;
        public uint KeyMask;
        public uint KeyValue;
        public int KeyOffset;
        public int KeyOffsetMask;
    }

    /// <summary>struct tc_mirred (tc_gen's index, capab, action, refcnt, bindcnt; then eaction, ifindex).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Mirred
    {
        public uint ActionIndex;
        public uint Capabilities;
        public int Action;
        public int ReferenceCount;
        public int BindCount;
        public int ExtendedAction;
        public uint Index;
    }
}
