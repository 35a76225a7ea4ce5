using System.Text.RegularExpressions;
using AotShim.Native.Netlink;
using Microsoft.Win32.SafeHandles;

namespace AotShim.Native.Tests.Netlink;

/// <summary>tcfilter between a veth and a tap: ingress qdiscs and u32 mirred redirects, compared with what tc itself adds.</summary>
public sealed partial class TrafficControlTests
{
    [Fact]
    public void Redirect_filters_both_ways_are_the_filters_tc_adds()
    {
        using var netns = new TestNetns();
        netns.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "peer0");
        netns.Ip("link", "add", "ref0", "type", "veth", "peer", "name", "refpeer0");
        netns.Ip("tuntap", "add", "reftap0", "mode", "tap");
        using var ns = NetworkNamespace.Open(netns.Path);
        IReadOnlyList<SafeFileHandle> tap = ns.Run(() => TapDevices.CreateTap("tap0_kata", 1));
        try
        {
            using RouteNetlink netlink = ns.Run(RouteNetlink.Open);
            int veth = netlink.FindLink("eth0")!.Index;
            int tapIndex = netlink.FindLink("tap0_kata")!.Index;

            netlink.AddIngressQdisc(veth);
            netlink.AddIngressQdisc(tapIndex);
            netlink.AddRedirectFilter(veth, tapIndex);
            netlink.AddRedirectFilter(tapIndex, veth);
            foreach ((string from, string to) in new[] { ("ref0", "reftap0"), ("reftap0", "ref0") })
            {
                netns.Exec("tc", "qdisc", "add", "dev", from, "ingress");
                netns.Exec("tc", "filter", "add", "dev", from, "parent", "ffff:", "protocol", "all", "u32", "match", "u8", "0", "0", "action", "mirred", "egress", "redirect", "dev", to);
            }

            Assert.Equal(Filters(netns, "ref0", "reftap0"), Filters(netns, "eth0", "tap0_kata"));
            Assert.Equal(Filters(netns, "reftap0", "ref0"), Filters(netns, "tap0_kata", "eth0"));
            Assert.Contains("action order 1: mirred (Egress Redirect to device tap0_kata) stolen", netns.Exec("tc", "filter", "show", "dev", "eth0", "ingress"));
            Assert.Contains("qdisc ingress ffff: parent ffff:fff1", netns.Exec("tc", "qdisc", "show", "dev", "tap0_kata"));
        }
        finally
        {
            foreach (SafeFileHandle queue in tap)
            {
                queue.Dispose();
            }
        }
    }

    [Fact]
    public void Deleting_the_ingress_qdisc_removes_its_filters_and_a_second_delete_is_no_error()
    {
        using var netns = new TestNetns();
        netns.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        using var ns = NetworkNamespace.Open(netns.Path);
        using RouteNetlink netlink = ns.Run(RouteNetlink.Open);
        int eth0 = netlink.FindLink("eth0")!.Index;
        int eth1 = netlink.FindLink("eth1")!.Index;
        netlink.AddIngressQdisc(eth0);
        netlink.AddRedirectFilter(eth0, eth1);

        var twice = Assert.Throws<NativeException>(() => netlink.AddIngressQdisc(eth0));
        netlink.DeleteIngressQdisc(eth0);
        netlink.DeleteIngressQdisc(eth0);
        netlink.DeleteIngressQdisc(99999);

        Assert.Equal(Errnos.EEXIST, twice.Errno);
        Assert.StartsWith($"RTM_NEWQDISC ingress on link {eth0} (eth0)", twice.Message);
        Assert.Equal("", netns.Exec("tc", "filter", "show", "dev", "eth0", "ingress"));
        Assert.DoesNotContain("ingress", netns.Exec("tc", "qdisc", "show", "dev", "eth0"));
    }

    [Fact]
    public void A_filter_to_a_missing_link_fails_naming_both_ends()
    {
        using var netns = new TestNetns();
        netns.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        using var ns = NetworkNamespace.Open(netns.Path);
        using RouteNetlink netlink = ns.Run(RouteNetlink.Open);
        int eth0 = netlink.FindLink("eth0")!.Index;
        netlink.AddIngressQdisc(eth0);

        var e = Assert.Throws<NativeException>(() => netlink.AddRedirectFilter(eth0, 99999));

        Assert.StartsWith($"RTM_NEWTFILTER u32 mirred redirect from link {eth0} (eth0) to link 99999", e.Message);
    }

    /// <summary>`tc -d filter show dev FROM ingress` with the device names and the action's index made neutral.</summary>
    private static string Filters(TestNetns netns, string from, string to) =>
        ActionIndex().Replace(netns.Exec("tc", "-d", "filter", "show", "dev", from, "ingress"), "index N").Replace(to, "TO");

    [GeneratedRegex(@"index \d+")]
    private static partial Regex ActionIndex();
}
