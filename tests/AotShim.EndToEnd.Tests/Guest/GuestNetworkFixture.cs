using AotShim.Native;
using AotShim.Native.Netlink;
using Microsoft.Win32.SafeHandles;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>
/// A pod network as CNI leaves it and the shim wires it, around one x64 guest: the pod namespace's veth "pod0"
/// (<see cref="PodMac"/>, <see cref="PodAddress"/>/24) whose peer sits in a second namespace with
/// <see cref="GatewayAddress"/>; a tap in the pod namespace joined to the veth by tcfilter both ways; the guest's
/// virtio-net NIC on that tap with the veth's MAC, as kata gives it.
/// </summary>
public sealed class GuestNetworkFixture : IAsyncLifetime
{
    public const string PodMac = "02:ec:00:00:00:02";
    public const string PodAddress = "10.88.0.2";
    public const string GatewayAddress = "10.88.0.1";
    public const string GatewayMac = "02:ec:00:00:00:01";

    private const int TapFd = 3;

    private readonly TestNetns _pod = new();
    private readonly TestNetns _node = new();
    private IReadOnlyList<SafeFileHandle> _tap = [];
    private GuestVm? _vm;
    private GuestAgentClient? _agent;

    /// <summary>The pod's namespace, holding veth pod0 and tap tap0_kata.</summary>
    internal TestNetns Pod => _pod;

    /// <summary>Where the veth's peer and the gateway address live: pinging the guest from here crosses veth, tcfilter and tap.</summary>
    internal TestNetns Node => _node;

    internal GuestAgentClient Agent => _agent ?? throw new InvalidOperationException("the agent is not connected");

    public async ValueTask InitializeAsync()
    {
        _pod.Ip("link", "add", "pod0", "address", PodMac, "type", "veth", "peer", "name", "node0", "address", GatewayMac, "netns", _node.Name);
        _pod.Ip("address", "add", PodAddress + "/24", "dev", "pod0");
        _pod.Ip("link", "set", "pod0", "up");
        _node.Ip("address", "add", GatewayAddress + "/24", "dev", "node0");
        _node.Ip("link", "set", "node0", "up");
        using (var ns = NetworkNamespace.Open(_pod.Path))
        {
            _tap = ns.Run(() =>
            {
                IReadOnlyList<SafeFileHandle> queues = TapDevices.CreateTap("tap0_kata", 1);
                using RouteNetlink netlink = RouteNetlink.Open();
                int veth = netlink.FindLink("pod0")!.Index;
                int tap = netlink.FindLink("tap0_kata")!.Index;
                netlink.SetUp(tap, true);
                netlink.AddIngressQdisc(veth);
                netlink.AddIngressQdisc(tap);
                netlink.AddRedirectFilter(veth, tap);
                netlink.AddRedirectFilter(tap, veth);
                return queues;
            });
        }

        _vm = await GuestVm.BootAsync("x64", TestContext.Current.CancellationToken, new GuestVmOptions
        {
            Arguments = ["-netdev", $"tap,id=net0,fd={TapFd},vhost=off", "-device", $"virtio-net-pci,netdev=net0,mac={PodMac}"],
            Fds = [new FdMapping(_tap[0], TapFd)],
        });
        _agent = await _vm.ConnectAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_vm is not null)
        {
            await _vm.DisposeAsync();
        }

        foreach (SafeFileHandle queue in _tap)
        {
            queue.Dispose();
        }

        _pod.Dispose();
        _node.Dispose();
    }
}
