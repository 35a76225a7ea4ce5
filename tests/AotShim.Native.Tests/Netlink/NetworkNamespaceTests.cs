using AotShim.Native.Netlink;

namespace AotShim.Native.Tests.Netlink;

/// <summary>Entering a network namespace on a thread of its own.</summary>
public sealed class NetworkNamespaceTests
{
    private static string ThreadNamespace => new FileInfo("/proc/thread-self/ns/net").LinkTarget!;

    [Fact]
    public void Run_executes_inside_the_namespace_and_leaves_the_caller_outside()
    {
        using var netns = new TestNetns();
        using var ns = NetworkNamespace.Open(netns.Path);
        string outside = ThreadNamespace;

        string inside = ns.Run(() => ThreadNamespace);

        Assert.Equal($"net:[{Tool.Run("stat", "-L", "-c", "%i", netns.Path).Trim()}]", inside);
        Assert.NotEqual(outside, inside);
        Assert.Equal(outside, ThreadNamespace);
    }

    [Fact]
    public void An_exception_inside_propagates_to_the_caller()
    {
        using var netns = new TestNetns();
        using var ns = NetworkNamespace.Open(netns.Path);

        var e = Assert.Throws<InvalidOperationException>(() => ns.Run(() => throw new InvalidOperationException("inside")));

        Assert.Equal("inside", e.Message);
    }

    [Fact]
    public void Paths_that_are_missing_or_no_network_namespace_are_refused_by_name()
    {
        var missing = Assert.Throws<NativeException>(() => NetworkNamespace.Open("/var/run/netns/ecr-no-such-netns"));
        var file = Assert.Throws<ArgumentException>(() => NetworkNamespace.Open("/proc/self/status"));
        var mount = Assert.Throws<ArgumentException>(() => NetworkNamespace.Open("/proc/self/ns/mnt"));

        Assert.Equal("open(\"/var/run/netns/ecr-no-such-netns\"): ENOENT (No such file or directory)", missing.Message);
        Assert.StartsWith("/proc/self/status is not a namespace file", file.Message);
        Assert.StartsWith("/proc/self/ns/mnt is not a network namespace (nstype 0x20000)", mount.Message);
    }
}
