using AotShim.Native.Netlink;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.GuestAgent.Network;

/// <summary>
/// UpdateInterface and ListInterfaces as kata's agent does them (src/agent/src/netlink.rs): the NIC is found by its MAC,
/// taken down, its addresses replaced, renamed (swapping names with a link that holds the wanted one), given its MTU
/// and brought up.
/// </summary>
internal static class GuestInterfaces
{
    /// <summary>A hot-plugged NIC's link appears once the guest kernel has probed the new PCI device.</summary>
    private static readonly TimeSpan HotplugWait = TimeSpan.FromSeconds(5);

    public static Interface Update(Interface? wanted)
    {
        if (wanted is null)
        {
            throw new ArgumentException("no interface in the request");
        }

        string what = $"interface \"{wanted.Name}\" ({wanted.HwAddr})";
        var mac = ProtoAddresses.ParseMac(wanted.HwAddr, what);
        var addresses = wanted.IPAddresses.Select(a => ProtoAddresses.Parse(a, what)).ToList();
        using RouteNetlink netlink = RouteNetlink.Open();
        LinkInfo link = WaitForLink(netlink, mac)
            ?? throw new TtrpcException(TtrpcStatusCode.NotFound, $"UpdateInterface: no link has hwAddr {wanted.HwAddr} (wanted as \"{wanted.Name}\") within {HotplugWait.TotalSeconds} s");
        if (link.IsUp)
        {
            netlink.SetUp(link.Index, false);
        }

        foreach (AddressInfo old in netlink.ListAddresses().Where(a => a.LinkIndex == link.Index))
        {
            netlink.DeleteAddress(link.Index, old.Address, old.PrefixLength);
        }

        foreach ((System.Net.IPAddress address, int prefixLength) in addresses)
        {
            netlink.AddAddress(link.Index, address, prefixLength);
        }

        if (wanted.Name.Length > 0 && wanted.Name != link.Name)
        {
            Rename(netlink, link, wanted.Name);
        }

        if (wanted.Mtu > 0)
        {
            netlink.SetMtu(link.Index, wanted.Mtu <= int.MaxValue ? (int)wanted.Mtu : throw new ArgumentException($"{what}: mtu {wanted.Mtu} is too large"));
        }

        netlink.SetUp(link.Index, true);
        return ToProto(netlink.FindLink(link.Index)!, netlink.ListAddresses().ToLookup(a => a.LinkIndex));
    }

    private static LinkInfo? WaitForLink(RouteNetlink netlink, System.Net.NetworkInformation.PhysicalAddress mac)
    {
        DateTime deadline = DateTime.UtcNow + HotplugWait;
        while (true)
        {
            if (netlink.ListLinks().FirstOrDefault(l => l.Mac.Equals(mac)) is LinkInfo link)
            {
                return link;
            }

            if (DateTime.UtcNow > deadline)
            {
                return null;
            }

            Thread.Sleep(50);
        }
    }

    public static Interfaces List()
    {
        using RouteNetlink netlink = RouteNetlink.Open();
        return new Interfaces { Interfaces_ = { List(netlink) } };
    }

    private static IEnumerable<Interface> List(RouteNetlink netlink)
    {
        ILookup<int, AddressInfo> addresses = netlink.ListAddresses().ToLookup(a => a.LinkIndex);
        return netlink.ListLinks().Select(link => ToProto(link, addresses)).ToList();
    }

    private static Interface ToProto(LinkInfo link, ILookup<int, AddressInfo> addresses) => new()
    {
        Name = link.Name,
        HwAddr = ProtoAddresses.Format(link.Mac),
        Mtu = (ulong)link.Mtu,
        Type = link.Kind,
        IPAddresses = { addresses[link.Index].Select(ProtoAddresses.ToProto) },
    };

    /// <summary>A link that already has the name gets ours afterwards, as kata does; names change only while a link is down.</summary>
    private static void Rename(RouteNetlink netlink, LinkInfo link, string name)
    {
        LinkInfo? holder = netlink.FindLink(name);
        if (holder is not null)
        {
            netlink.SetUp(holder.Index, false);
            netlink.SetName(holder.Index, name.Length <= 10 ? name + "_temp" : "ecr_temp");
        }

        netlink.SetName(link.Index, name);
        if (holder is not null)
        {
            netlink.SetName(holder.Index, link.Name);
            netlink.SetUp(holder.Index, holder.IsUp);
        }
    }
}
