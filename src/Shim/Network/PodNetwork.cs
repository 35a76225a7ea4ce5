using AotShim.Native;
using AotShim.Native.Netlink;
using AotShim.Shim.Hypervisor;
using Microsoft.Win32.SafeHandles;

namespace AotShim.Shim.Network;

/// <summary>
/// The pod's network namespace connected to the VM: per veth a multiqueue tap joined to it by tc redirects
/// (tcfilter) or a macvtap on it (macvtap), whose queue fds QEMU gets (at boot, or hot-plugged for a veth that
/// appears later). Attaching undoes itself on failure; detaching removes what attaching made and gives the veth back
/// as CNI left it.
/// </summary>
public sealed class PodNetwork
{
    private readonly Dictionary<int, QueueFds> _open = [];
    private readonly List<PodEndpoint> _endpoints = [];
    private readonly string _model;
    private readonly int _queueCount;
    private readonly bool _vhostNet;

    private PodNetwork(string netnsPath, string model, int queues, bool vhostNet)
    {
        NetnsPath = netnsPath;
        _model = model;
        _queueCount = queues;
        _vhostNet = vhostNet;
    }

    public string NetnsPath { get; }

    public IReadOnlyList<PodEndpoint> Endpoints => _endpoints;

    public NetworkState State => new(NetnsPath, [.. _endpoints]);

    /// <summary>Scans <paramref name="netnsPath"/> and connects each veth with <paramref name="queues"/> queues per the model.</summary>
    public static PodNetwork Attach(string netnsPath, string model, int queues, bool vhostNet)
    {
        var network = new PodNetwork(netnsPath, model, queues, vhostNet);
        try
        {
            network.ConnectNew();
            return network;
        }
        catch
        {
            network.Detach();
            throw;
        }
    }

    /// <summary>
    /// Connects the veths that appeared since the last scan (CNI may add interfaces to a running pod) and returns them
    /// with the index their fds go by in <see cref="TakeQueues"/>; on failure only the new ones are undone.
    /// </summary>
    public IReadOnlyList<int> Rescan()
    {
        int before = _endpoints.Count;
        try
        {
            ConnectNew();
        }
        catch
        {
            foreach (int index in Enumerable.Range(before, _endpoints.Count - before))
            {
                Close(index);
            }

            NetworkCleanup.Undo(new NetworkState(NetnsPath, _endpoints[before..]));
            _endpoints.RemoveRange(before, _endpoints.Count - before);
            throw;
        }

        return [.. Enumerable.Range(before, _endpoints.Count - before)];
    }

    private void ConnectNew()
    {
        using NetworkNamespace netns = NetworkNamespace.Open(NetnsPath);
        netns.Run(() =>
        {
            using RouteNetlink netlink = RouteNetlink.Open();
            foreach ((LinkInfo link, PodInterface pod) in NetworkScanner.Scan(netlink).Where(v => !_endpoints.Any(e => e.Veth.Name == v.Interface.Name)))
            {
                Connect(netlink, _endpoints.Count, link, pod);
            }
        });
    }

    private void Connect(RouteNetlink netlink, int number, LinkInfo veth, PodInterface pod)
    {
        if (_model == InterworkingModels.Macvtap)
        {
            string name = $"macvtap{number}_kata";
            _endpoints.Add(new PodEndpoint(pod, _model, name, pod.Mac, pod.Mac));

            // The macvtap takes the MAC CNI gave the veth: frames for the pod's address then reach the guest.
            netlink.SetMac(veth.Index, Macs.Random());
            int index = netlink.CreateMacvtap(name, veth.Index, veth.Mac, _queueCount);
            netlink.SetMtu(index, pod.Mtu);
            netlink.SetUp(index, true);

            // The guest owns the pod's addresses now; left on the veth, the namespace would answer ARP for them too.
            foreach (PodAddress address in pod.Addresses)
            {
                netlink.DeleteAddress(veth.Index, System.Net.IPAddress.Parse(address.Address), address.PrefixLength);
            }

            _open[number] = new QueueFds(TapDevices.OpenMacvtap(index, _queueCount), []);
        }
        else
        {
            string name = $"tap{number}_kata";
            _endpoints.Add(new PodEndpoint(pod, _model, name, pod.Mac, null));
            _open[number] = new QueueFds(TapDevices.CreateTap(name, _queueCount), []);
            LinkInfo tap = netlink.FindLink(name) ?? throw new InvalidOperationException($"tap {name} vanished right after it was created in {NetnsPath}");
            netlink.SetMtu(tap.Index, pod.Mtu);
            netlink.SetUp(tap.Index, true);
            netlink.AddIngressQdisc(veth.Index);
            netlink.AddIngressQdisc(tap.Index);
            netlink.AddRedirectFilter(veth.Index, tap.Index);
            netlink.AddRedirectFilter(tap.Index, veth.Index);
        }

        if (_vhostNet)
        {
            _open[number] = _open[number] with { Vhost = [.. Enumerable.Range(0, _queueCount).Select(_ => TapDevices.OpenVhostNet())] };
        }
    }

    /// <summary>QEMU's view at boot: one endpoint per interface, its queue (and vhost) fds numbered from <paramref name="firstFd"/> on.</summary>
    public IReadOnlyList<NetworkEndpoint> MapForQemu(List<FdMapping> fds, int firstFd)
    {
        var endpoints = new List<NetworkEndpoint>();
        int next = firstFd;
        foreach ((int index, QueueFds open) in _open.OrderBy(o => o.Key))
        {
            var taps = new List<int>();
            foreach (SafeFileHandle queue in open.Queues)
            {
                fds.Add(new FdMapping(queue, next));
                taps.Add(next++);
            }

            var vhost = new List<int>();
            foreach (SafeFileHandle fd in open.Vhost)
            {
                fds.Add(new FdMapping(fd, next));
                vhost.Add(next++);
            }

            endpoints.Add(new NetworkEndpoint(_endpoints[index].GuestMac, taps, vhost));
        }

        return endpoints;
    }

    /// <summary>The still-open queue and vhost fds of endpoint <paramref name="index"/>, to hand to QEMU over QMP.</summary>
    public QueueFds TakeQueues(int index) => _open[index];

    /// <summary>QEMU holds its own copies once started or hot-plugged: a tap then lives exactly as long as the VM.</summary>
    public void ReleaseQueues()
    {
        foreach (int index in _open.Keys.ToList())
        {
            Close(index);
        }
    }

    private void Close(int index)
    {
        if (_open.Remove(index, out QueueFds? open))
        {
            foreach (SafeFileHandle fd in open.Queues.Concat(open.Vhost))
            {
                fd.Dispose();
            }
        }
    }

    /// <summary>Closes our fds and undoes the namespace changes; returns what could not be undone.</summary>
    public IReadOnlyList<string> Detach()
    {
        ReleaseQueues();
        return NetworkCleanup.Undo(State);
    }
}
