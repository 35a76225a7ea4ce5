using AotShim.Native.Netlink;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.GuestAgent.Network;

/// <summary>AddARPNeighbors: static neighbour entries (permanent unless the request gives a state), replacing existing ones.</summary>
internal static class GuestNeighbours
{
    public static void Add(ARPNeighbors? wanted)
    {
        using RouteNetlink netlink = RouteNetlink.Open();
        foreach (ARPNeighbor neighbour in wanted?.ARPNeighbors_ ?? [])
        {
            string address = neighbour.ToIPAddress?.Address ?? "";
            string what = $"neighbour {address} dev \"{neighbour.Device}\"";
            LinkInfo link = netlink.FindLink(neighbour.Device)
                ?? throw new TtrpcException(TtrpcStatusCode.NotFound, $"AddARPNeighbors: {what}: no link named \"{neighbour.Device}\"");
            netlink.AddNeighbour(new NeighbourInfo(
                link.Index,
                ProtoAddresses.ParseAddress(address, what),
                neighbour.Lladdr.Length == 0 ? null : ProtoAddresses.ParseMac(neighbour.Lladdr, what),
                neighbour.State is >= 0 and <= ushort.MaxValue ? (ushort)neighbour.State : throw new ArgumentException($"{what}: state {neighbour.State} is not a NUD_* value"),
                neighbour.Flags is >= 0 and <= byte.MaxValue ? (byte)neighbour.Flags : throw new ArgumentException($"{what}: flags {neighbour.Flags} are not NTF_* flags")));
        }
    }
}
