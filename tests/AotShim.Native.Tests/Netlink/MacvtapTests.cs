using System.Globalization;
using System.Net.NetworkInformation;
using AotShim.Native.Netlink;
using Microsoft.Win32.SafeHandles;

namespace AotShim.Native.Tests.Netlink;

/// <summary>macvtap links on a veth in a test namespace, and their queue fds.</summary>
public sealed class MacvtapTests
{
    [Fact]
    public void A_macvtap_is_created_in_bridge_mode_with_its_queues_and_deleted()
    {
        using var netns = new TestNetns();
        netns.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        using var ns = NetworkNamespace.Open(netns.Path);
        using RouteNetlink netlink = ns.Run(RouteNetlink.Open);
        int parent = netlink.FindLink("eth0")!.Index;

        int index = netlink.CreateMacvtap("mvt0", parent, PhysicalAddress.Parse("02-00-00-00-AA-01"), 2);

        string shown = netns.Ip("-d", "link", "show", "mvt0");
        Assert.StartsWith($"{index}: mvt0@eth0:", shown);
        Assert.Contains("link/ether 02:00:00:00:aa:01 ", shown);
        Assert.Contains("macvtap mode bridge ", shown);
        Assert.Contains("numtxqueues 2 numrxqueues 2 ", shown);
        Assert.Equal(("macvtap", parent, 2), (netlink.FindLink(index)!.Kind, netlink.FindLink(index)!.ParentIndex, netlink.FindLink(index)!.TxQueues));
        netlink.DeleteLink(index);
        Assert.Null(netlink.FindLink("mvt0"));
    }

    [Fact]
    public void Queue_fds_open_the_namespaces_own_macvtap_even_when_another_namespace_has_one_at_the_same_index()
    {
        using var first = new TestNetns();
        using var second = new TestNetns();
        var opened = new List<SafeFileHandle>();
        string[] sysBefore = SysMounts();
        try
        {
            var devices = new List<(int Index, string Expected, string[] Actual)>();
            foreach (TestNetns netns in new[] { first, second })
            {
                netns.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
                using var ns = NetworkNamespace.Open(netns.Path);
                (int index, IReadOnlyList<SafeFileHandle> queues) = ns.Run(() =>
                {
                    using RouteNetlink netlink = RouteNetlink.Open();
                    int created = netlink.CreateMacvtap("mvt0", netlink.FindLink("eth0")!.Index, PhysicalAddress.Parse("02-00-00-00-BB-01"), 2);
                    return (created, TapDevices.OpenMacvtap(created, 2));
                });
                opened.AddRange(queues);
                string expected = netns.Exec("cat", $"/sys/class/net/mvt0/macvtap/tap{index}/dev").Trim();
                devices.Add((index, expected, queues.Select(DeviceOf).ToArray()));
            }

            Assert.Equal(devices[0].Index, devices[1].Index);
            Assert.NotEqual(devices[0].Expected, devices[1].Expected);
            Assert.Equal(sysBefore, SysMounts());
            Assert.All(devices, d => Assert.Equal([d.Expected, d.Expected], d.Actual));
        }
        finally
        {
            foreach (SafeFileHandle queue in opened)
            {
                queue.Dispose();
            }
        }
    }

    [Fact]
    public void Opening_queues_of_a_link_that_is_no_macvtap_names_the_index()
    {
        using var netns = new TestNetns();
        netns.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        using var ns = NetworkNamespace.Open(netns.Path);
        int veth = ns.Run(() =>
        {
            using RouteNetlink netlink = RouteNetlink.Open();
            return netlink.FindLink("eth0")!.Index;
        });

        var e = Assert.Throws<ArgumentException>(() => ns.Run(() => TapDevices.OpenMacvtap(veth, 1)));

        Assert.StartsWith($"link {veth} is not a macvtap in this network namespace", e.Message);
    }

    /// <summary>This process's mounts on /sys: the private sysfs and tmpfs of the macvtap lookup must not show up here.</summary>
    private static string[] SysMounts() => File.ReadLines("/proc/self/mountinfo").Where(l => l.Split(' ')[4] == "/sys").ToArray();

    /// <summary>"major:minor" of the character device an fd of this process has open, as sysfs writes it.</summary>
    private static string DeviceOf(SafeFileHandle fd)
    {
        string[] hex = Tool.Run("stat", "-L", "-c", "%t %T", $"/proc/{Environment.ProcessId}/fd/{fd.DangerousGetHandle()}").Trim().Split(' ');
        return $"{int.Parse(hex[0], NumberStyles.HexNumber)}:{int.Parse(hex[1], NumberStyles.HexNumber)}";
    }
}
