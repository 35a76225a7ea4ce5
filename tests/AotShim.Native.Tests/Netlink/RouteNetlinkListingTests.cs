using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using AotShim.Native.Netlink;

namespace AotShim.Native.Tests.Netlink;

/// <summary>What `ip` set up in a test namespace, read back through RouteNetlink's dumps.</summary>
public sealed class RouteNetlinkListingTests
{
    [Fact]
    public void Links_addresses_routes_and_neighbours_of_a_veth_are_listed_as_ip_made_them()
    {
        using var netns = new TestNetns();
        netns.Ip("link", "add", "v0", "address", "02:00:00:00:00:10", "mtu", "1400", "type", "veth", "peer", "name", "v1");
        netns.Ip("link", "set", "v0", "up");
        netns.Ip("address", "add", "10.20.0.2/24", "dev", "v0");
        netns.Ip("address", "add", "fd00:20::2/64", "dev", "v0", "nodad");
        netns.Ip("route", "add", "10.30.0.0/16", "via", "10.20.0.1", "dev", "v0");
        netns.Ip("neigh", "add", "10.20.0.1", "lladdr", "02:00:00:00:00:01", "dev", "v0", "nud", "permanent");
        using var ns = NetworkNamespace.Open(netns.Path);
        using RouteNetlink netlink = ns.Run(RouteNetlink.Open);

        IReadOnlyList<LinkInfo> links = netlink.ListLinks();
        IReadOnlyList<AddressInfo> addresses = netlink.ListAddresses();
        IReadOnlyList<RouteInfo> routes = netlink.ListRoutes();
        IReadOnlyList<NeighbourInfo> neighbours = netlink.ListNeighbours();

        Assert.Equal(["lo", "v0", "v1"], links.Select(l => l.Name).Order());
        LinkInfo v0 = Assert.Single(links, l => l.Name == "v0");
        LinkInfo v1 = Assert.Single(links, l => l.Name == "v1");
        Assert.Equal(("veth", PhysicalAddress.Parse("02-00-00-00-00-10"), 1400, true, v1.Index), (v0.Kind, v0.Mac, v0.Mtu, v0.IsUp, v0.ParentIndex));
        Assert.Contains($" numtxqueues {v0.TxQueues} ", netns.Ip("-d", "link", "show", "v0"));
        Assert.False(v1.IsUp);
        Assert.Equal(v0, netlink.FindLink("v0"));
        Assert.Equal(v0, netlink.FindLink(v0.Index));
        Assert.Null(netlink.FindLink("missing0"));
        Assert.Contains(new AddressInfo(v0.Index, IPAddress.Parse("10.20.0.2"), 24, 0), addresses);
        Assert.Contains(new AddressInfo(v0.Index, IPAddress.Parse("fd00:20::2"), 64, 0), addresses);
        Assert.Contains(new RouteInfo(AddressFamily.InterNetwork, IPAddress.Parse("10.30.0.0"), 16, IPAddress.Parse("10.20.0.1"), null, v0.Index, 0, 3, 1, 254), routes);
        Assert.Contains(new RouteInfo(AddressFamily.InterNetwork, IPAddress.Parse("10.20.0.0"), 24, null, IPAddress.Parse("10.20.0.2"), v0.Index, 253, 2, 1, 254), routes);
        Assert.Contains(routes, r => r.Family == AddressFamily.InterNetworkV6 && r.Destination?.ToString() == "fd00:20::" && r.DestinationPrefixLength == 64);
        Assert.All(routes, r => Assert.Equal(254u, r.Table));
        Assert.Contains(new NeighbourInfo(v0.Index, IPAddress.Parse("10.20.0.1"), PhysicalAddress.Parse("02-00-00-00-00-01"), 0x80, 0), neighbours);
    }

    [Fact]
    public void A_socket_opened_inside_a_namespace_sees_that_namespace_and_not_the_hosts()
    {
        using var netns = new TestNetns();
        netns.Ip("link", "add", "inside0", "type", "veth", "peer", "name", "inside1");
        using var ns = NetworkNamespace.Open(netns.Path);

        IReadOnlyList<string> inside = ns.Run(() =>
        {
            using RouteNetlink netlink = RouteNetlink.Open();
            return netlink.ListLinks().Select(l => l.Name).ToList();
        });
        using RouteNetlink host = RouteNetlink.Open();

        Assert.Equal(["inside0", "inside1", "lo"], inside.Order());
        Assert.DoesNotContain(host.ListLinks(), l => l.Name.StartsWith("inside", StringComparison.Ordinal));
    }
}
