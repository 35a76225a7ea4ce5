using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace AotShim.Native.Netlink;

/// <summary>Routes of the main table, IPv4 and IPv6.</summary>
public sealed partial class RouteNetlink
{
    private const ushort RtmNewRoute = 24;
    private const ushort RtmDelRoute = 25;
    private const ushort RtmGetRoute = 26;

    private const ushort RtaDst = 1;
    private const ushort RtaOif = 4;
    private const ushort RtaGateway = 5;
    private const ushort RtaPrefsrc = 7;
    private const ushort RtaTable = 15;

    private const byte RtTableMain = 254;
    private const byte RtprotBoot = 3;
    private const byte RtnUnicast = 1;
    private const byte RtScopeNowhere = 255;
    private const uint RtmFCloned = 0x200;

    /// <summary>The main table's routes (kernel-cloned cache entries left out).</summary>
    public IReadOnlyList<RouteInfo> ListRoutes()
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, RtmGetRoute, NetlinkSocket.Request | NetlinkSocket.Dump);
        request.Header(new RouteMessage { Family = AfUnspec });
        return _socket.DumpAll(request.Finish(), "RTM_GETROUTE dump", ParseRoute);
    }

    /// <summary>`ip route replace`: creates the route or replaces the one with the same destination.</summary>
    public void AddRoute(RouteInfo route) => ChangeRoute(RtmNewRoute, NetlinkSocket.Create | NetlinkSocket.Replace, route);

    /// <summary>`ip route del`: matches destination, table, gateway, source and link; any scope, protocol and type.</summary>
    public void DeleteRoute(RouteInfo route) => ChangeRoute(RtmDelRoute, 0, route);

    private static RouteInfo? ParseRoute(ushort type, ReadOnlySpan<byte> payload)
    {
        if (type != RtmNewRoute)
        {
            return null;
        }

        RouteMessage header = ReadHeader<RouteMessage>(payload);
        if (header.Family is not (AfInet or AfInet6) || (header.Flags & RtmFCloned) != 0)
        {
            return null;
        }

        var route = new RouteInfo(Family(header.Family), null, header.DestinationLength, null, null, 0, header.Scope, header.Protocol, header.Type, header.Table);
        var attributes = new NetlinkAttributes(AttributesAfter<RouteMessage>(payload));
        while (attributes.MoveNext())
        {
            route = attributes.Type switch
            {
                RtaDst => route with { Destination = attributes.Address },
                RtaGateway => route with { Gateway = attributes.Address },
                RtaPrefsrc => route with { Source = attributes.Address },
                RtaOif => route with { LinkIndex = (int)attributes.UInt32 },
                RtaTable => route with { Table = attributes.UInt32 },
                _ => route,
            };
        }

        return route.Table == RtTableMain ? route : null;
    }

    private void ChangeRoute(ushort type, ushort flags, RouteInfo route)
    {
        bool add = type == RtmNewRoute;
        string name = add ? "RTM_NEWROUTE" : "RTM_DELROUTE";
        string operation = $"{name} {route}";
        byte family = Family(route.Family, operation);
        foreach (var address in (ReadOnlySpan<System.Net.IPAddress?>)[route.Destination, route.Gateway, route.Source])
        {
            if (address is not null && address.AddressFamily != route.Family)
            {
                throw new ArgumentException($"{operation}: {address} is not an {(family == AfInet ? "IPv4" : "IPv6")} address", nameof(route));
            }
        }

        if (route.Destination is not null)
        {
            CheckPrefix(route.Destination, route.DestinationPrefixLength, operation);
        }
        else if (route.DestinationPrefixLength != 0)
        {
            throw new ArgumentException($"{operation}: a prefix length without a destination address", nameof(route));
        }

        uint table = route.Table == 0 ? RtTableMain : route.Table;
        Span<byte> buffer = stackalloc byte[RequestSize];
        var request = new NetlinkWriter(buffer, type, (ushort)(NetlinkSocket.Request | NetlinkSocket.Ack | flags));
        request.Header(new RouteMessage
        {
            Family = family,
            DestinationLength = route.Destination is null ? (byte)0 : (byte)route.DestinationPrefixLength,
            Table = table < 256 ? (byte)table : (byte)0,

            // As `ip route del`: scope nowhere, protocol and type 0 match any route with this destination.
            Protocol = add ? (route.Protocol == 0 ? RtprotBoot : route.Protocol) : (byte)0,
            Scope = add ? route.Scope : RtScopeNowhere,
            Type = add ? (route.Type == 0 ? RtnUnicast : route.Type) : (byte)0,
        });
        request.Attribute(RtaTable, table);
        if (route.Destination is not null)
        {
            request.Attribute(RtaDst, Bytes(route.Destination));
        }

        if (route.Gateway is not null)
        {
            request.Attribute(RtaGateway, Bytes(route.Gateway));
        }

        if (route.Source is not null)
        {
            request.Attribute(RtaPrefsrc, Bytes(route.Source));
        }

        if (route.LinkIndex > 0)
        {
            request.Attribute(RtaOif, (uint)route.LinkIndex);
        }

        _socket.Execute(request.Finish(), () => route.LinkIndex > 0 ? $"{name} {route with { LinkIndex = 0 }} on {Link(route.LinkIndex)}" : operation);
    }

    /// <summary>struct rtmsg.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RouteMessage
    {
        public byte Family;
        public byte DestinationLength;
        public byte SourceLength;
        public byte Tos;
        public byte Table;
        public byte Protocol;
        public byte Scope;
        public byte Type;
        public uint Flags;
    }
}
