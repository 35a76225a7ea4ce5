using System.Text.RegularExpressions;
using AotShim.Native.Netlink;
using Microsoft.Win32.SafeHandles;

namespace AotShim.Native.Tests.Netlink;

/// <summary>tcfilter between a veth and a tap: ingress qdiscs and u32 mirred redirects, compared with what tc itself adds.</summary>
public sealed partial class TrafficControlTests : NetlinkNamespaceTests
{
    public TrafficControlTests()
        : base("eth0", "eth1")
    {
    }

    private int Eth0 => _netlink.FindLink("eth0")!.Index;

    [Fact]
    public void Redirect_filters_both_ways_are_the_filters_tc_adds()
    {
        _netns.Ip("link", "add", "ref0", "type", "veth", "peer", "name", "refpeer0");
        _netns.Ip("tuntap", "add", "reftap0", "mode", "tap");
        IReadOnlyList<SafeFileHandle> tap = _ns.Run(() => TapDevices.CreateTap("tap0_kata", 1));
        try
        {
            int tapIndex = _netlink.FindLink("tap0_kata")!.Index;

            _netlink.AddIngressQdisc(Eth0);
            _netlink.AddIngressQdisc(tapIndex);
            _netlink.AddRedirectFilter(Eth0, tapIndex);
            _netlink.AddRedirectFilter(tapIndex, Eth0);
            foreach ((string from, string to) in new[] { ("ref0", "reftap0"), ("reftap0", "ref0") })
            {
                _netns.Exec("tc", "qdisc", "add", "dev", from, "ingress");
                _netns.Exec("tc", "filter", "add", "dev", from, "parent", "ffff:", "protocol", "all", "u32", "match", "u8", "0", "0", "action", "mirred", "egress", "redirect", "dev", to);
            }

            Assert.Equal(Filters("ref0", "reftap0"), Filters("eth0", "tap0_kata"));
            Assert.Equal(Filters("reftap0", "ref0"), Filters("tap0_kata", "eth0"));
            Assert.Contains("action order 1: mirred (Egress Redirect to device tap0_kata) stolen", _netns.Exec("tc", "filter", "show", "dev", "eth0", "ingress"));
            Assert.Contains("qdisc ingress ffff: parent ffff:fff1", _netns.Exec("tc", "qdisc", "show", "dev", "tap0_kata"));
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
        _netlink.AddIngressQdisc(Eth0);
        _netlink.AddRedirectFilter(Eth0, _netlink.FindLink("eth1")!.Index);

        var twice = Assert.Throws<NativeException>(() => _netlink.AddIngressQdisc(Eth0));
        _netlink.DeleteIngressQdisc(Eth0);
        _netlink.DeleteIngressQdisc(Eth0);
        _netlink.DeleteIngressQdisc(99999);

        Assert.Equal(Errnos.EEXIST, twice.Errno);
        Assert.StartsWith($"RTM_NEWQDISC ingress on link {Eth0} (eth0)", twice.Message);
        Assert.Equal("", _netns.Exec("tc", "filter", "show", "dev", "eth0", "ingress"));
        Assert.DoesNotContain("ingress", _netns.Exec("tc", "qdisc", "show", "dev", "eth0"));
    }

    [Fact]
    public void A_filter_to_a_missing_link_fails_naming_both_ends()
    {
        _netlink.AddIngressQdisc(Eth0);

        var e = Assert.Throws<NativeException>(() => _netlink.AddRedirectFilter(Eth0, 99999));

        Assert.StartsWith($"RTM_NEWTFILTER u32 mirred redirect from link {Eth0} (eth0) to link 99999", e.Message);
    }

    /// <summary>`tc -d filter show dev FROM ingress` with the device names and the action's index made neutral.</summary>
    private string Filters(string from, string to) =>
        ActionIndex().Replace(_netns.Exec("tc", "-d", "filter", "show", "dev", from, "ingress"), "index N").Replace(to, "TO");

    [GeneratedRegex(@"index \d+")]
    private static partial Regex ActionIndex();
}
