using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>
/// What a CNI plugin leaves for a pod, made with `ip` in namespaces of the test's own: the pod's namespace with eth0
/// (an address, a default route), and a peer namespace holding the veth's other end with the gateway address.
/// </summary>
internal sealed class CniNetwork : IAsyncDisposable
{
    private CniNetwork(string suffix, int subnet)
    {
        Pod = "ecr-pod-" + suffix;
        Peer = "ecr-peer-" + suffix;
        PodAddress = $"10.{200 + subnet / 250}.{subnet % 250}.2";
        PeerAddress = $"10.{200 + subnet / 250}.{subnet % 250}.1";
    }

    public string Pod { get; }

    public string Peer { get; }

    public string PodAddress { get; }

    public string PeerAddress { get; }

    public string PodNetnsPath => "/var/run/netns/" + Pod;

    public static async Task<CniNetwork> CreateAsync()
    {
        var network = new CniNetwork(Guid.NewGuid().ToString("N")[..8], Random.Shared.Next(0, 12500));
        try
        {
            await network.SetUpAsync();
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync()
    {
        await IpAsync("netns", "add", Pod);
        await IpAsync("netns", "add", Peer);
        await IpAsync("-n", Pod, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0", "netns", Peer);
        await IpAsync("-n", Pod, "addr", "add", PodAddress + "/24", "dev", "eth0");
        await IpAsync("-n", Peer, "addr", "add", PeerAddress + "/24", "dev", "peer0");
        foreach (string netns in new[] { Pod, Peer })
        {
            await IpAsync("-n", netns, "link", "set", "lo", "up");
        }

        await IpAsync("-n", Pod, "link", "set", "eth0", "up");
        await IpAsync("-n", Peer, "link", "set", "peer0", "up");
        await IpAsync("-n", Pod, "route", "add", "default", "via", PeerAddress, "dev", "eth0");
    }

    /// <summary>A second veth pair, as a CNI plugin adding an interface to a running pod makes it: eth1 in the pod with <paramref name="podAddress"/>/24, peer1 in the peer with <paramref name="peerAddress"/>/24.</summary>
    public async Task AddInterfaceAsync(string podAddress, string peerAddress)
    {
        await IpAsync("-n", Pod, "link", "add", "eth1", "type", "veth", "peer", "name", "peer1", "netns", Peer);
        await IpAsync("-n", Pod, "addr", "add", podAddress + "/24", "dev", "eth1");
        await IpAsync("-n", Peer, "addr", "add", peerAddress + "/24", "dev", "peer1");
        await IpAsync("-n", Pod, "link", "set", "eth1", "up");
        await IpAsync("-n", Peer, "link", "set", "peer1", "up");
    }

    /// <summary>`ip -n POD ARGS...` output.</summary>
    public async Task<string> InPodAsync(string tool, params string[] args) =>
        (await Command.RunAsync("/usr/sbin/ip", ["netns", "exec", Pod, tool, .. args])).EnsureSuccess().Stdout;

    public Task<CommandResult> PingFromPeerAsync(int count, string? address = null) =>
        Command.RunAsync("/usr/sbin/ip", ["netns", "exec", Peer, "ping", "-c", count.ToString(), "-W", "5", address ?? PodAddress], TimeSpan.FromSeconds(60));

    private static async Task IpAsync(params string[] args) => (await Command.RunAsync("/usr/sbin/ip", args)).EnsureSuccess();

    public async ValueTask DisposeAsync()
    {
        await Command.RunAsync("/usr/sbin/ip", ["netns", "del", Pod]);
        await Command.RunAsync("/usr/sbin/ip", ["netns", "del", Peer]);
    }
}
