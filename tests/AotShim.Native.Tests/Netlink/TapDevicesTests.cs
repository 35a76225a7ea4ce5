using AotShim.Native.Netlink;
using Microsoft.Win32.SafeHandles;

namespace AotShim.Native.Tests.Netlink;

/// <summary>Multiqueue taps and vhost-net, made in a test namespace.</summary>
public sealed class TapDevicesTests
{
    [Fact]
    public void A_tap_gets_one_fd_per_queue_and_disappears_with_the_last_one()
    {
        using var netns = new TestNetns();
        using var ns = NetworkNamespace.Open(netns.Path);

        IReadOnlyList<SafeFileHandle> queues = ns.Run(() => TapDevices.CreateTap("tap0_kata", 2));
        string shown = netns.Ip("-d", "link", "show", "tap0_kata");
        queues[0].Dispose();
        string afterOne = netns.Ip("-d", "link", "show", "tap0_kata");
        queues[1].Dispose();

        Assert.Equal(2, queues.Count);
        Assert.Contains("tun type tap pi off vnet_hdr on multi_queue numqueues 2 ", shown);
        Assert.Contains("persist off", shown);
        Assert.Contains("numqueues 1 ", afterOne);
        Assert.DoesNotContain("tap0_kata", netns.Ip("link", "show"));
    }

    [Fact]
    public void An_existing_interface_of_the_same_name_is_not_joined()
    {
        using var netns = new TestNetns();
        netns.Ip("link", "add", "taken0", "type", "veth", "peer", "name", "taken1");
        netns.Ip("tuntap", "add", "persist0", "mode", "tap", "multi_queue");
        using var ns = NetworkNamespace.Open(netns.Path);

        var veth = Assert.Throws<IOException>(() => ns.Run(() => TapDevices.CreateTap("taken0", 1)));
        var tap = Assert.Throws<IOException>(() => ns.Run(() => TapDevices.CreateTap("persist0", 1)));

        Assert.StartsWith("tap \"taken0\": an interface of that name already exists (veth link ", veth.Message);
        Assert.StartsWith("tap \"persist0\": an interface of that name already exists (tun link ", tap.Message);
        Assert.Contains("numqueues 0 ", netns.Ip("-d", "link", "show", "persist0"));
    }

    [Fact]
    public void Vhost_net_is_reported_absent_on_this_host_and_opening_it_names_the_device()
    {
        var e = Assert.Throws<NativeException>(TapDevices.OpenVhostNet);

        Assert.False(TapDevices.VhostNetAvailable);
        Assert.Equal((Errnos.ENOENT, "open(\"/dev/vhost-net\"): ENOENT (No such file or directory)"), (e.Errno, e.Message));
    }
}
