using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>The guest agent's network RPCs on a guest whose NIC sits on a tcfilter tap, driven as the shim drives them.</summary>
public sealed class GuestNetworkTests(GuestNetworkFixture network) : IClassFixture<GuestNetworkFixture>
{
    private const uint ScopeLink = 253;

    private GuestAgentClient Agent => network.Agent;

    [Fact]
    public async Task The_nic_gets_the_pods_name_address_routes_and_neighbour_and_the_node_pings_the_guest_through_the_tap()
    {
        Interface updated = await Agent.CallAsync("UpdateInterface", new UpdateInterfaceRequest
        {
            Interface = new Interface
            {
                Name = "pod0",
                HwAddr = GuestNetworkFixture.PodMac,
                Mtu = 1400,
                IPAddresses = { new IPAddress { Family = IPFamily.V4, Address = GuestNetworkFixture.PodAddress, Mask = "24" } },
            },
        }, Interface.Parser);
        Routes routes = await Agent.CallAsync("UpdateRoutes", new UpdateRoutesRequest
        {
            Routes = new Routes
            {
                Routes_ =
                {
                    new Route { Gateway = GuestNetworkFixture.GatewayAddress, Device = "pod0", Family = IPFamily.V4 },
                    new Route { Dest = "10.88.0.0/24", Device = "pod0", Source = GuestNetworkFixture.PodAddress, Scope = ScopeLink },
                    new Route { Dest = "10.99.0.0/16", Gateway = "10.88.0.254", Device = "pod0" },
                },
            },
        }, Routes.Parser);
        await Agent.CallAsync("AddARPNeighbors", new AddARPNeighborsRequest
        {
            Neighbors = new ARPNeighbors
            {
                ARPNeighbors_ = { new ARPNeighbor { ToIPAddress = new IPAddress { Address = GuestNetworkFixture.GatewayAddress }, Device = "pod0", Lladdr = GuestNetworkFixture.GatewayMac } },
            },
        });
        Interfaces interfaces = await Agent.CallAsync("ListInterfaces", new ListInterfacesRequest(), Interfaces.Parser);
        Routes listed = await Agent.CallAsync("ListRoutes", new ListRoutesRequest(), Routes.Parser);

        Assert.Equal(("pod0", GuestNetworkFixture.PodMac, 1400ul), (updated.Name, updated.HwAddr, updated.Mtu));
        Assert.Contains(updated.IPAddresses, a => a.Address == GuestNetworkFixture.PodAddress && a.Mask == "24" && a.Family == IPFamily.V4);
        Assert.Equal(WithoutLinkLocal(updated), WithoutLinkLocal(Assert.Single(interfaces.Interfaces_, i => i.Name == "pod0")));
        Assert.Contains(interfaces.Interfaces_, i => i.Name == "lo" && i.IPAddresses.Any(a => a.Address == "127.0.0.1" && a.Mask == "8"));
        Assert.Equal(WithoutLinkLocal(listed), WithoutLinkLocal(routes));
        Assert.Contains(new Route { Dest = "", Gateway = GuestNetworkFixture.GatewayAddress, Device = "pod0", Source = "", Scope = 0, Family = IPFamily.V4 }, listed.Routes_);
        Assert.Contains(new Route { Dest = "10.88.0.0/24", Gateway = "", Device = "pod0", Source = GuestNetworkFixture.PodAddress, Scope = ScopeLink, Family = IPFamily.V4 }, listed.Routes_);
        Assert.Contains(new Route { Dest = "10.99.0.0/16", Gateway = "10.88.0.254", Device = "pod0", Source = "", Scope = 0, Family = IPFamily.V4 }, listed.Routes_);
        Assert.Matches("3 packets transmitted, [123] received", Ping());

        // The replies came from the guest, not from the pod namespace's own pod0: they entered the tap's ingress.
        Assert.Matches(@"Sent \d+ bytes [1-9]\d* pkt", network.Pod.Exec("tc", "-s", "filter", "show", "dev", "tap0_kata", "ingress"));
    }

    [Fact]
    public async Task Unknown_macs_devices_and_bad_addresses_are_refused_naming_them()
    {
        var mac = await Assert.ThrowsAsync<TtrpcException>(() => Agent.CallAsync("UpdateInterface", new UpdateInterfaceRequest
        {
            Interface = new Interface { Name = "ghost0", HwAddr = "02:ec:00:00:00:99" },
        }, Interface.Parser));
        var device = await Assert.ThrowsAsync<TtrpcException>(() => Agent.CallAsync("UpdateRoutes", new UpdateRoutesRequest
        {
            Routes = new Routes { Routes_ = { new Route { Dest = "10.1.0.0/16", Device = "ghost0" } } },
        }, Routes.Parser));
        var mask = await Assert.ThrowsAsync<TtrpcException>(() => Agent.CallAsync("UpdateInterface", new UpdateInterfaceRequest
        {
            Interface = new Interface { Name = "pod0", HwAddr = GuestNetworkFixture.PodMac, IPAddresses = { new IPAddress { Address = "10.88.0.2", Mask = "255.255.255.0" } } },
        }, Interface.Parser));
        var neighbour = await Assert.ThrowsAsync<TtrpcException>(() => Agent.CallAsync("AddARPNeighbors", new AddARPNeighborsRequest
        {
            Neighbors = new ARPNeighbors { ARPNeighbors_ = { new ARPNeighbor { ToIPAddress = new IPAddress { Address = "10.88.0.300" }, Device = "lo" } } },
        }));

        Assert.Equal((TtrpcStatusCode.NotFound, "UpdateInterface: no link has hwAddr 02:ec:00:00:00:99 (wanted as \"ghost0\") within 5 s"), (mac.Code, mac.Message));
        Assert.Equal((TtrpcStatusCode.NotFound, "UpdateRoutes: route \"10.1.0.0/16\" via \"\" dev \"ghost0\": no link named \"ghost0\""), (device.Code, device.Message));
        Assert.Equal(TtrpcStatusCode.InvalidArgument, mask.Code);
        Assert.Contains("mask \"255.255.255.0\" of 10.88.0.2 is not a prefix length", mask.Message);
        Assert.Equal((TtrpcStatusCode.InvalidArgument, "AddARPNeighbors: neighbour 10.88.0.300 dev \"lo\": \"10.88.0.300\" is not an IP address"), (neighbour.Code, neighbour.Message));
    }

    /// <summary>Pings from the node namespace; under TCG a reply may take a while, so each waits up to 30 s.</summary>
    private string Ping() => network.Node.Exec("ping", "-c", "3", "-W", "30", GuestNetworkFixture.PodAddress);

    /// <summary>The kernel adds (and drops) the IPv6 link-local route on its own time around the link coming up.</summary>
    private static Routes WithoutLinkLocal(Routes routes)
    {
        var copy = new Routes();
        copy.Routes_.Add(routes.Routes_.Where(r => !r.Dest.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase)));
        return copy;
    }

    /// <summary>The kernel adds the IPv6 link-local address on its own time after the link comes up, so either answer may or may not hold it.</summary>
    private static Interface WithoutLinkLocal(Interface nic)
    {
        Interface copy = nic.Clone();
        copy.IPAddresses.Clear();
        copy.IPAddresses.Add(nic.IPAddresses.Where(a => !a.Address.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase)));
        return copy;
    }
}
