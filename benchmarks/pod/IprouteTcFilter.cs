using System.Diagnostics;
using AotShim.EndToEnd.Tests.Containerd;
using AotShim.EndToEnd.Tests.Vm;

namespace AotShim.PodBenchmarks;

/// <summary>
/// The peer for the netns phase: what the shim does in-process over netlink (a multiqueue tap, ingress qdiscs, two
/// mirred redirects), done the way a script would, with iproute2's ip and tc, in the same namespace and run.
/// </summary>
internal static class IprouteTcFilter
{
    /// <summary>Milliseconds to set up one tcfilter tap with ip/tc; the teardown after it is not timed.</summary>
    public static async Task<double> SetUpOnceAsync(CniNetwork cni)
    {
        string[][] setup =
        [
            ["/usr/sbin/ip", "-n", cni.Pod, "tuntap", "add", "dev", "tapbench", "mode", "tap", "multi_queue", "vnet_hdr"],
            ["/usr/sbin/ip", "-n", cni.Pod, "link", "set", "tapbench", "up"],
            ["/usr/sbin/tc", "-n", cni.Pod, "qdisc", "add", "dev", "eth0", "ingress"],
            ["/usr/sbin/tc", "-n", cni.Pod, "qdisc", "add", "dev", "tapbench", "ingress"],
            ["/usr/sbin/tc", "-n", cni.Pod, "filter", "add", "dev", "eth0", "parent", "ffff:", "protocol", "all", "u32", "match", "u8", "0", "0", "action", "mirred", "egress", "redirect", "dev", "tapbench"],
            ["/usr/sbin/tc", "-n", cni.Pod, "filter", "add", "dev", "tapbench", "parent", "ffff:", "protocol", "all", "u32", "match", "u8", "0", "0", "action", "mirred", "egress", "redirect", "dev", "eth0"],
        ];
        long started = Stopwatch.GetTimestamp();
        foreach (string[] step in setup)
        {
            (await Command.RunAsync(step[0], step[1..])).EnsureSuccess();
        }

        double elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        (await Command.RunAsync("/usr/sbin/tc", ["-n", cni.Pod, "qdisc", "del", "dev", "eth0", "ingress"])).EnsureSuccess();
        (await Command.RunAsync("/usr/sbin/ip", ["-n", cni.Pod, "tuntap", "del", "dev", "tapbench", "mode", "tap", "multi_queue"])).EnsureSuccess();
        return elapsed;
    }
}
