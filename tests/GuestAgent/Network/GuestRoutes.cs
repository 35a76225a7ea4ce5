using IPAddress = System.Net.IPAddress;
using System.Net.Sockets;
using AotShim.Native.Netlink;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.GuestAgent.Network;

/// <summary>
/// UpdateRoutes and ListRoutes: the main table's routes on the devices a request names are replaced by the requested
/// ones, routes without a gateway first so that gateway routes find their link's subnet (as kata's agent orders them).
/// </summary>
internal static class GuestRoutes
{
    private const byte KernelProtocol = 2;

    public static Routes Update(Routes? wanted)
    {
        using RouteNetlink netlink = RouteNetlink.Open();
        Dictionary<string, LinkInfo> links = netlink.ListLinks().ToDictionary(l => l.Name);
        List<RouteInfo> routes = (wanted?.Routes_ ?? []).Select(r => Parse(r, links)).ToList();
        HashSet<int> devices = routes.Select(r => r.LinkIndex).ToHashSet();

        // Routes the kernel made for an address stay: they are the link's subnet, which new routes may rely on.
        foreach (RouteInfo old in netlink.ListRoutes().Where(r => devices.Contains(r.LinkIndex) && r.Protocol != KernelProtocol))
        {
            netlink.DeleteRoute(old);
        }

        foreach (RouteInfo route in routes.OrderBy(r => r.Gateway is null ? 0 : 1))
        {
            netlink.AddRoute(route);
        }

        return List(netlink);
    }

    public static Routes List()
    {
        using RouteNetlink netlink = RouteNetlink.Open();
        return List(netlink);
    }

    private static Routes List(RouteNetlink netlink)
    {
        Dictionary<int, string> names = netlink.ListLinks().ToDictionary(l => l.Index, l => l.Name);
        return new Routes
        {
            Routes_ =
            {
                netlink.ListRoutes().Select(r => new Route
                {
                    Dest = r.Destination is null ? "" : $"{r.Destination}/{r.DestinationPrefixLength}",
                    Gateway = r.Gateway?.ToString() ?? "",
                    Source = r.Source?.ToString() ?? "",
                    Device = names.GetValueOrDefault(r.LinkIndex, ""),
                    Scope = r.Scope,
                    Family = ProtoAddresses.Family(r.Family),
                }),
            },
        };
    }

    private static RouteInfo Parse(Route route, Dictionary<string, LinkInfo> links)
    {
        string what = $"route \"{route.Dest}\" via \"{route.Gateway}\" dev \"{route.Device}\"";
        if (!links.TryGetValue(route.Device, out LinkInfo? link))
        {
            throw new TtrpcException(TtrpcStatusCode.NotFound, $"UpdateRoutes: {what}: no link named \"{route.Device}\"");
        }

        (IPAddress? destination, int prefixLength) = route.Dest.Length == 0 ? (null, 0) : ProtoAddresses.ParsePrefix(route.Dest, what);
        IPAddress? gateway = route.Gateway.Length == 0 ? null : ProtoAddresses.ParseAddress(route.Gateway, what);
        IPAddress? source = route.Source.Length == 0 ? null : ProtoAddresses.ParsePrefix(route.Source, what).Address;
        AddressFamily family = (destination ?? gateway ?? source)?.AddressFamily
            ?? (route.Family == IPFamily.V6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
        byte scope = route.Scope <= byte.MaxValue ? (byte)route.Scope : throw new ArgumentException($"{what}: scope {route.Scope} is not an RT_SCOPE_* value");
        return new RouteInfo(family, destination, prefixLength, gateway, source, link.Index, scope, 0, 0, 0);
    }
}
