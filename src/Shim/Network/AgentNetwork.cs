using AotShim.Shim.Agent.Protocol;

namespace AotShim.Shim.Network;

/// <summary>The pod's interfaces, routes and neighbours in the agent's terms, as kata's UpdateInterface/UpdateRoutes/AddARPNeighbors carry them.</summary>
public static class AgentNetwork
{
    public static Interface InterfaceOf(PodEndpoint endpoint)
    {
        PodInterface veth = endpoint.Veth;
        var guest = new Interface { Device = veth.Name, Name = veth.Name, Mtu = (ulong)veth.Mtu, HwAddr = endpoint.GuestMac };
        guest.IPAddresses.Add(veth.Addresses.Select(a => new IPAddress { Family = FamilyOf(a.Address), Address = a.Address, Mask = a.PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        return guest;
    }

    /// <summary>Routes without a gateway first: a gateway route needs its link's subnet route to exist.</summary>
    public static Routes RoutesOf(IEnumerable<PodEndpoint> endpoints)
    {
        var routes = new Routes();
        foreach ((PodRoute route, string device) in endpoints.SelectMany(e => e.Veth.Routes.Select(r => (r, e.Veth.Name))).OrderBy(x => x.r.Gateway is null ? 0 : 1))
        {
            routes.Routes_.Add(new Route
            {
                Dest = route.Destination is null ? "" : $"{route.Destination}/{route.PrefixLength}",
                Gateway = route.Gateway ?? "",
                Device = device,
                Source = route.Source ?? "",
                Scope = route.Scope,
                Family = route.IsV6 ? IPFamily.V6 : IPFamily.V4,
            });
        }

        return routes;
    }

    public static ARPNeighbors NeighboursOf(IEnumerable<PodEndpoint> endpoints)
    {
        var neighbours = new ARPNeighbors();
        foreach ((PodNeighbour n, string device) in endpoints.SelectMany(e => e.Veth.Neighbours.Select(n => (n, e.Veth.Name))))
        {
            neighbours.ARPNeighbors_.Add(new ARPNeighbor
            {
                ToIPAddress = new IPAddress { Family = FamilyOf(n.Address), Address = n.Address },
                Device = device,
                Lladdr = n.Mac,
                State = n.State,
                Flags = n.Flags,
            });
        }

        return neighbours;
    }

    private static IPFamily FamilyOf(string address) => address.Contains(':') ? IPFamily.V6 : IPFamily.V4;
}
