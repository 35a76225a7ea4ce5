using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Network;

namespace AotShim.Shim.Tests.Network;

/// <summary>The pod's veths in the agent's terms, field by field as kata sends them.</summary>
public sealed class AgentNetworkTests
{
    private static readonly PodEndpoint Eth0 = new(
        new PodInterface("eth0", "02:aa:bb:cc:dd:ee", 1450,
            [new PodAddress("10.1.2.3", 24), new PodAddress("fd00::3", 64)],
            [new PodRoute(null, 0, "10.1.2.1", null, 0, 3, false), new PodRoute("10.1.2.0", 24, null, "10.1.2.3", 253, 2, false), new PodRoute("fd00::", 64, null, null, 0, 2, true)],
            [new PodNeighbour("10.1.2.9", "02:00:00:00:00:09", 0x80, 0)]),
        InterworkingModels.TcFilter, "tap0_kata", "02:aa:bb:cc:dd:ee", null);

    [Fact]
    public void The_interface_carries_name_mtu_mac_and_every_address_with_its_prefix_as_mask()
    {
        Interface guest = AgentNetwork.InterfaceOf(Eth0);

        Assert.Equal("eth0", guest.Device);
        Assert.Equal("eth0", guest.Name);
        Assert.Equal(1450UL, guest.Mtu);
        Assert.Equal("02:aa:bb:cc:dd:ee", guest.HwAddr);
        Assert.Equal(
            [(IPFamily.V4, "10.1.2.3", "24"), (IPFamily.V6, "fd00::3", "64")],
            guest.IPAddresses.Select(a => (a.Family, a.Address, a.Mask)));
    }

    [Fact]
    public void Routes_without_a_gateway_come_first_and_the_default_route_has_an_empty_destination()
    {
        Routes routes = AgentNetwork.RoutesOf([Eth0]);

        Assert.Equal(
            [("10.1.2.0/24", "", "10.1.2.3", 253u, IPFamily.V4), ("fd00::/64", "", "", 0u, IPFamily.V6), ("", "10.1.2.1", "", 0u, IPFamily.V4)],
            routes.Routes_.Select(r => (r.Dest, r.Gateway, r.Source, r.Scope, r.Family)));
        Assert.All(routes.Routes_, r => Assert.Equal("eth0", r.Device));
    }

    [Fact]
    public void Neighbours_keep_their_state_and_device()
    {
        ARPNeighbor neighbour = Assert.Single(AgentNetwork.NeighboursOf([Eth0]).ARPNeighbors_);

        Assert.Equal("10.1.2.9", neighbour.ToIPAddress.Address);
        Assert.Equal("02:00:00:00:00:09", neighbour.Lladdr);
        Assert.Equal(0x80, neighbour.State);
        Assert.Equal("eth0", neighbour.Device);
    }
}
