using AotShim.Native;
using AotShim.Native.Netlink;
using AotShim.Shim.Hypervisor;
using Microsoft.Win32.SafeHandles;

namespace AotShim.Shim.Network;

/// <summary>
/// The pod's network namespace connected to the VM: per veth a multiqueue tap joined to it by tc redirects
/// (tcfilter) or a macvtap on it (macvtap), whose queue fds QEMU gets. Attaching undoes itself on failure; detaching
/// removes what attaching made and gives the veth back as CNI left it.
/// </summary>
public sealed class PodNetwork
{
    private readonly List<IReadOnlyList<SafeFileHandle>> _queues = [];
    private readonly List<IReadOnlyList<SafeFileHandle>> _vhost = [];
    private readonly List<PodEndpoint> _endpoints = [];

    private PodNetwork(string netnsPath) => NetnsPath = netnsPath;

    public string NetnsPath { get; }

    public IReadOnlyList<PodEndpoint> Endpoints => _endpoints;

    public NetworkState State => new(NetnsPath, [.. _endpoints]);

    /// <summary>Scans <paramref name="netnsPath"/> and connects each veth with <paramref name="queues"/> queues per the model.</summary>
    public static PodNetwork Attach(string netnsPath, string model, int queues, bool vhostNet)
    {
        var network = new PodNetwork(netnsPath);
        try
        {
            using NetworkNamespace netns = NetworkNamespace.Open(netnsPath);
            netns.Run(() =>
            {
                using RouteNetlink netlink = RouteNetlink.Open();
                IReadOnlyList<(LinkInfo Link, PodInterface Interface)> veths = NetworkScanner.Scan(netlink);
                for (int i = 0; i < veths.Count; i++)
                {
                    network.Connect(netlink, i, veths[i].Link, veths[i].Interface, model, queues, vhostNet);
                }
            });
            return network;
        }
        catch
        {
            network.Detach();
            throw;
        }
    }

    private void Connect(RouteNetlink netlink, int number, LinkInfo veth, PodInterface pod, string model, int queues, bool vhostNet)
    {
        if (model == InterworkingModels.Macvtap)
        {
            string name = $"macvtap{number}_kata";
            _endpoints.Add(new PodEndpoint(pod, model, name, pod.Mac, pod.Mac));

            // The macvtap takes the MAC CNI gave the veth: frames for the pod's address then reach the guest.
            netlink.SetMac(veth.Index, Macs.Random());
            int index = netlink.CreateMacvtap(name, veth.Index, veth.Mac, queues);
            netlink.SetMtu(index, pod.Mtu);
            netlink.SetUp(index, true);

            // The guest owns the pod's addresses now; left on the veth, the namespace would answer ARP for them too.
            foreach (PodAddress address in pod.Addresses)
            {
                netlink.DeleteAddress(veth.Index, System.Net.IPAddress.Parse(address.Address), address.PrefixLength);
            }

            _queues.Add(TapDevices.OpenMacvtap(index, queues));
        }
        else
        {
            string name = $"tap{number}_kata";
            _endpoints.Add(new PodEndpoint(pod, model, name, pod.Mac, null));
            _queues.Add(TapDevices.CreateTap(name, queues));
            LinkInfo tap = netlink.FindLink(name) ?? throw new InvalidOperationException($"tap {name} vanished right after it was created in {NetnsPath}");
            netlink.SetMtu(tap.Index, pod.Mtu);
            netlink.SetUp(tap.Index, true);
            netlink.AddIngressQdisc(veth.Index);
            netlink.AddIngressQdisc(tap.Index);
            netlink.AddRedirectFilter(veth.Index, tap.Index);
            netlink.AddRedirectFilter(tap.Index, veth.Index);
        }

        _vhost.Add(vhostNet ? [.. Enumerable.Range(0, queues).Select(_ => TapDevices.OpenVhostNet())] : []);
    }

    /// <summary>QEMU's view: one endpoint per interface, its queue (and vhost) fds numbered from <paramref name="firstFd"/> on.</summary>
    public IReadOnlyList<NetworkEndpoint> MapForQemu(List<FdMapping> fds, int firstFd)
    {
        var endpoints = new List<NetworkEndpoint>();
        int next = firstFd;
        for (int i = 0; i < _endpoints.Count; i++)
        {
            var taps = new List<int>();
            foreach (SafeFileHandle queue in _queues[i])
            {
                fds.Add(new FdMapping(queue, next));
                taps.Add(next++);
            }

            var vhost = new List<int>();
            foreach (SafeFileHandle fd in _vhost[i])
            {
                fds.Add(new FdMapping(fd, next));
                vhost.Add(next++);
            }

            endpoints.Add(new NetworkEndpoint(_endpoints[i].GuestMac, taps, vhost));
        }

        return endpoints;
    }

    /// <summary>QEMU holds its own copies once started: a tap then lives exactly as long as the VM.</summary>
    public void ReleaseQueues()
    {
        foreach (SafeFileHandle fd in _queues.Concat(_vhost).SelectMany(list => list))
        {
            fd.Dispose();
        }

        _queues.Clear();
        _vhost.Clear();
    }

    /// <summary>Closes our fds and undoes the namespace changes; returns what could not be undone.</summary>
    public IReadOnlyList<string> Detach()
    {
        ReleaseQueues();
        return NetworkCleanup.Undo(State);
    }
}
