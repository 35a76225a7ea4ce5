using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;

namespace AotShim.Native.Netlink;

/// <summary>ARP and NDP neighbour entries.</summary>
public sealed partial class RouteNetlink
{
    private const ushort RtmNewNeigh = 28;
    private const ushort RtmGetNeigh = 30;

    private const ushort NdaDst = 1;
    private const ushort NdaLladdr = 2;
    private const ushort NudPermanent = 0x80;

    public IReadOnlyList<NeighbourInfo> ListNeighbours()
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmGetNeigh, NetlinkSocket.Request | NetlinkSocket.Dump);
        request.Header(new NeighbourMessage { Family = AfUnspec });
        return _socket.DumpAll(request.Finish(), "RTM_GETNEIGH dump", ParseNeighbour);
    }

    /// <summary>`ip neigh replace ADDRESS lladdr MAC dev LINK nud STATE`; state 0 means permanent.</summary>
    public void AddNeighbour(NeighbourInfo neighbour)
    {
        string operation = $"RTM_NEWNEIGH {neighbour.Address}" + (neighbour.Mac is null ? "" : $" lladdr {Format(neighbour.Mac)}");
        byte family = Family(neighbour.Address.AddressFamily, operation);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmNewNeigh, NetlinkSocket.Request | NetlinkSocket.Ack | NetlinkSocket.Create | NetlinkSocket.Replace);
        request.Header(new NeighbourMessage
        {
            Family = family,
            Index = neighbour.LinkIndex,
            State = neighbour.State == 0 ? NudPermanent : neighbour.State,
            Flags = neighbour.Flags,
        });
        request.Attribute(NdaDst, Bytes(neighbour.Address));
        if (neighbour.Mac is not null)
        {
            request.Attribute(NdaLladdr, neighbour.Mac.GetAddressBytes());
        }

        _socket.Execute(request.Finish(), () => $"{operation} on {Link(neighbour.LinkIndex)}");
    }

    private static NeighbourInfo? ParseNeighbour(ushort type, ReadOnlySpan<byte> payload)
    {
        if (type != RtmNewNeigh)
        {
            return null;
        }

        NeighbourMessage header = ReadHeader<NeighbourMessage>(payload);
        if (header.Family is not (AfInet or AfInet6))
        {
            return null;
        }

        IPAddress? address = null;
        PhysicalAddress? mac = null;
        var attributes = new NetlinkAttributes(AttributesAfter<NeighbourMessage>(payload));
        while (attributes.MoveNext())
        {
            switch (attributes.Type)
            {
                case NdaDst:
                    address = attributes.Address;
                    break;
                case NdaLladdr:
                    mac = attributes.Mac;
                    break;
            }
        }

        return address is null ? null : new NeighbourInfo(header.Index, address, mac, header.State, header.Flags);
    }

    /// <summary>struct ndmsg.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct NeighbourMessage
    {
        public byte Family;
        public byte Padding1;
        public ushort Padding2;
        public int Index;
        public ushort State;
        public byte Flags;
        public byte Type;
    }
}
