using System.Net;
using System.Runtime.InteropServices;

namespace AotShim.Native.Netlink;

/// <summary>Interface addresses, IPv4 and IPv6.</summary>
public sealed partial class RouteNetlink
{
    private const ushort RtmNewAddr = 20;
    private const ushort RtmDelAddr = 21;
    private const ushort RtmGetAddr = 22;

    private const ushort IfaAddress = 1;
    private const ushort IfaLocal = 2;

    public IReadOnlyList<AddressInfo> ListAddresses()
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmGetAddr, NetlinkSocket.Request | NetlinkSocket.Dump);
        request.Header(new AddressMessage { Family = AfUnspec });
        return _socket.DumpAll(request.Finish(), "RTM_GETADDR dump", ParseAddress);
    }

    /// <summary>`ip address replace ADDRESS/PREFIX dev LINK`: adding an address the link already has is not an error.</summary>
    public void AddAddress(int index, IPAddress address, int prefixLength) =>
        ChangeAddress(RtmNewAddr, NetlinkSocket.Create | NetlinkSocket.Replace, index, address, prefixLength);

    public void DeleteAddress(int index, IPAddress address, int prefixLength) =>
        ChangeAddress(RtmDelAddr, 0, index, address, prefixLength);

    private static AddressInfo? ParseAddress(ushort type, ReadOnlySpan<byte> payload)
    {
        if (type != RtmNewAddr)
        {
            return null;
        }

        AddressMessage header = ReadHeader<AddressMessage>(payload);
        if (header.Family is not (AfInet or AfInet6))
        {
            return null;
        }

        // IFA_LOCAL is the interface's own IPv4 address; IFA_ADDRESS is the peer's on point-to-point links.
        IPAddress? address = null;
        IPAddress? local = null;
        var attributes = new NetlinkAttributes(AttributesAfter<AddressMessage>(payload));
        while (attributes.MoveNext())
        {
            switch (attributes.Type)
            {
                case IfaAddress:
                    address = attributes.Address;
                    break;
                case IfaLocal:
                    local = attributes.Address;
                    break;
            }
        }

        return (local ?? address) is IPAddress own ? new AddressInfo((int)header.Index, own, header.PrefixLength, header.Scope) : null;
    }

    private void ChangeAddress(ushort type, ushort flags, int index, IPAddress address, int prefixLength)
    {
        string name = type == RtmNewAddr ? "RTM_NEWADDR" : "RTM_DELADDR";
        CheckPrefix(address, prefixLength, $"{name} {address}/{prefixLength}");
        byte family = Family(address.AddressFamily, $"{name} {address}");
        byte[] bytes = Bytes(address);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, type, (ushort)(NetlinkSocket.Request | NetlinkSocket.Ack | flags));
        request.Header(new AddressMessage { Family = family, PrefixLength = (byte)prefixLength, Index = (uint)index });
        request.Attribute(IfaLocal, bytes);
        request.Attribute(IfaAddress, bytes);
        _socket.Execute(request.Finish(), () => $"{name} {address}/{prefixLength} on {Link(index)}");
    }

    /// <summary>struct ifaddrmsg.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct AddressMessage
    {
        public byte Family;
        public byte PrefixLength;
        public byte Flags;
        public byte Scope;
        public uint Index;
    }
}
