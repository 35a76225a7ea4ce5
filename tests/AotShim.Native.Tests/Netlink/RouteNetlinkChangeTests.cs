using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using AotShim.Native.Netlink;

namespace AotShim.Native.Tests.Netlink;

/// <summary>Changes made through RouteNetlink in a test namespace, checked with `ip`.</summary>
public sealed class RouteNetlinkChangeTests : NetlinkNamespaceTests
{
    public RouteNetlinkChangeTests()
        : base("v0", "v1")
    {
    }

    private int V0 => _netlink.FindLink("v0")!.Index;

    [Fact]
    public void Up_mtu_mac_and_name_are_set_on_the_link()
    {
        int index = V0;

        _netlink.SetMtu(index, 1280);
        _netlink.SetMac(index, PhysicalAddress.Parse("02-AA-BB-CC-DD-EE"));
        _netlink.SetName(index, "eth7");
        _netlink.SetUp(index, true);

        string shown = _netns.Ip("link", "show", "eth7");
        Assert.Contains("mtu 1280 ", shown);
        Assert.Contains("link/ether 02:aa:bb:cc:dd:ee ", shown);
        Assert.Contains(",UP", shown);
        Assert.Equal((index, true), (_netlink.FindLink("eth7")!.Index, _netlink.FindLink("eth7")!.IsUp));
        _netlink.SetUp(index, false);
        Assert.DoesNotContain(",UP", _netns.Ip("link", "show", "eth7"));
    }

    [Fact]
    public void Addresses_are_added_idempotently_and_deleted()
    {
        int index = V0;

        _netlink.AddAddress(index, IPAddress.Parse("10.40.0.2"), 24);
        _netlink.AddAddress(index, IPAddress.Parse("10.40.0.2"), 24);
        _netlink.AddAddress(index, IPAddress.Parse("fd00:40::2"), 64);

        string shown = _netns.Ip("address", "show", "dev", "v0");
        Assert.Contains("inet 10.40.0.2/24 ", shown);
        Assert.Contains("inet6 fd00:40::2/64 ", shown);
        _netlink.DeleteAddress(index, IPAddress.Parse("10.40.0.2"), 24);
        Assert.DoesNotContain("10.40.0.2", _netns.Ip("address", "show", "dev", "v0"));
    }

    [Fact]
    public void Routes_are_created_replaced_and_deleted_in_the_main_table()
    {
        int index = V0;
        _netlink.SetUp(index, true);
        _netlink.AddAddress(index, IPAddress.Parse("10.50.0.2"), 24);
        var linkRoute = new RouteInfo(AddressFamily.InterNetwork, IPAddress.Parse("10.60.0.0"), 16, null, null, index, 253, 0, 0, 0);
        var viaGateway = new RouteInfo(AddressFamily.InterNetwork, null, 0, IPAddress.Parse("10.50.0.1"), IPAddress.Parse("10.50.0.2"), index, 0, 0, 0, 0);

        _netlink.AddRoute(linkRoute);
        _netlink.AddRoute(viaGateway);
        _netlink.AddRoute(viaGateway with { Gateway = IPAddress.Parse("10.50.0.254") });

        string shown = _netns.Ip("route", "show", "proto", "boot");
        Assert.Contains("10.60.0.0/16 dev v0 scope link", shown);
        Assert.Contains("default via 10.50.0.254 dev v0 src 10.50.0.2", shown);
        Assert.DoesNotContain("via 10.50.0.1 ", shown);
        Assert.Contains(_netlink.ListRoutes(), r => r.Destination is null && r.Gateway?.ToString() == "10.50.0.254" && r.Protocol == 3);
        _netlink.DeleteRoute(linkRoute);
        Assert.DoesNotContain("10.60.0.0", _netns.Ip("route", "show"));
    }

    [Fact]
    public void A_neighbour_is_added_permanent_unless_a_state_is_given()
    {
        int index = V0;

        _netlink.AddNeighbour(new NeighbourInfo(index, IPAddress.Parse("10.70.0.1"), PhysicalAddress.Parse("02-00-00-00-00-71"), 0, 0));
        _netlink.AddNeighbour(new NeighbourInfo(index, IPAddress.Parse("fd00:70::1"), PhysicalAddress.Parse("02-00-00-00-00-72"), 0x04, 0));

        string shown = _netns.Ip("neigh", "show", "dev", "v0");
        Assert.Contains("10.70.0.1 lladdr 02:00:00:00:00:71 PERMANENT", shown);
        Assert.Contains("fd00:70::1 lladdr 02:00:00:00:00:72 STALE", shown);
    }

    [Fact]
    public void Kernel_errors_name_the_request_and_the_interface()
    {
        int index = V0;
        _netlink.SetUp(index, true);

        var missing = Assert.Throws<NativeException>(() => _netlink.DeleteLink(99999));
        var mtu = Assert.Throws<NativeException>(() => _netlink.SetMtu(index, 100000));
        var gateway = Assert.Throws<NativeException>(() => _netlink.AddRoute(new RouteInfo(AddressFamily.InterNetwork, null, 0, IPAddress.Parse("192.0.2.1"), null, index, 0, 0, 0, 0)));

        Assert.Equal((Errnos.ENODEV, "RTM_DELLINK link 99999: ENODEV (No such device)"), (missing.Errno, missing.Message));
        Assert.Equal((Errnos.EINVAL, $"RTM_NEWLINK link {index} (v0) mtu 100000 (kernel: mtu greater than device maximum): EINVAL (Invalid argument)"), (mtu.Errno, mtu.Message));
        Assert.StartsWith($"RTM_NEWROUTE default via 192.0.2.1 on link {index} (v0)", gateway.Message);
        Assert.Equal(Errnos.ENETUNREACH, gateway.Errno);
    }

    [Fact]
    public void Bad_arguments_are_refused_before_reaching_the_kernel()
    {
        int index = V0;

        var name = Assert.Throws<ArgumentException>(() => _netlink.SetName(index, "much-too-long-name"));
        var prefix = Assert.Throws<ArgumentException>(() => _netlink.AddAddress(index, IPAddress.Parse("10.1.1.1"), 33));
        var family = Assert.Throws<ArgumentException>(() => _netlink.AddRoute(new RouteInfo(AddressFamily.InterNetworkV6, IPAddress.Parse("10.1.0.0"), 16, null, null, index, 0, 0, 0, 0)));

        Assert.Contains("\"much-too-long-name\" is not a valid interface name", name.Message);
        Assert.Contains("RTM_NEWADDR 10.1.1.1/33: prefix length 33 is outside 0..32", prefix.Message);
        Assert.Contains("10.1.0.0 is not an IPv6 address", family.Message);
    }
}
