using System.Net;
using System.Net.Sockets;
using AotShim.Native.Netlink;

namespace AotShim.Shim.Network;

/// <summary>Reads the veths of a pod's network namespace with what CNI configured on them, as kata's scan does.</summary>
public static class NetworkScanner
{
    private const byte MainTable = 254;
    private const byte UnicastRoute = 1;
    private const byte LinkScope = 253;
    private const ushort PermanentNeighbour = 0x80;

    /// <summary>Each veth with its addresses, main-table unicast routes and permanent neighbours; must run inside the namespace.</summary>
    public static IReadOnlyList<(LinkInfo Link, PodInterface Interface)> Scan(RouteNetlink netlink)
    {
        IReadOnlyList<AddressInfo> addresses = netlink.ListAddresses();
        IReadOnlyList<RouteInfo> routes = netlink.ListRoutes();
        IReadOnlyList<NeighbourInfo> neighbours = netlink.ListNeighbours();
        var found = new List<(LinkInfo, PodInterface)>();
        foreach (LinkInfo link in netlink.ListLinks().Where(l => l.Kind == "veth"))
        {
            found.Add((link, new PodInterface(
                link.Name,
                Macs.Format(link.Mac),
                link.Mtu,
                addresses.Where(a => a.LinkIndex == link.Index && !(a.Address.IsIPv6LinkLocal || a.Scope == LinkScope && a.Address.AddressFamily == AddressFamily.InterNetworkV6))
                    .Select(a => new PodAddress(a.Address.ToString(), a.PrefixLength)).ToList(),
                routes.Where(r => r.LinkIndex == link.Index && r.Table == MainTable && r.Type == UnicastRoute && !IsV6LinkLocal(r)).Select(ToPodRoute).ToList(),
                neighbours.Where(n => n.LinkIndex == link.Index && (n.State & PermanentNeighbour) != 0 && n.Mac is not null)
                    .Select(n => new PodNeighbour(n.Address.ToString(), Macs.Format(n.Mac!), n.State, n.Flags)).ToList())));
        }

        return found;
    }

    private static bool IsV6LinkLocal(RouteInfo route) => route.Destination is IPAddress d && (d.IsIPv6LinkLocal || d.IsIPv6Multicast);

    private static PodRoute ToPodRoute(RouteInfo r) => new(
        r.Destination is null || r.DestinationPrefixLength == 0 ? null : r.Destination.ToString(),
        r.DestinationPrefixLength,
        r.Gateway?.ToString(),
        r.Source?.ToString(),
        r.Scope,
        r.Protocol,
        r.Family == AddressFamily.InterNetworkV6);
}
