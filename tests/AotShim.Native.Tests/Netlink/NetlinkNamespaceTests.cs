using AotShim.Native.Netlink;

namespace AotShim.Native.Tests.Netlink;

/// <summary>A test namespace of its own with a veth pair and a RouteNetlink socket opened inside it; all removed on dispose.</summary>
public abstract class NetlinkNamespaceTests : IDisposable
{
    private protected readonly TestNetns _netns = new();
    private protected readonly NetworkNamespace _ns;
    private protected readonly RouteNetlink _netlink;

    private protected NetlinkNamespaceTests(string veth, string peer)
    {
        _netns.Ip("link", "add", veth, "type", "veth", "peer", "name", peer);
        _ns = NetworkNamespace.Open(_netns.Path);
        _netlink = _ns.Run(RouteNetlink.Open);
    }

    public void Dispose()
    {
        _netlink.Dispose();
        _ns.Dispose();
        _netns.Dispose();
        GC.SuppressFinalize(this);
    }
}
