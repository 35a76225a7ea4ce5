using System.Net;
using System.Net.NetworkInformation;

namespace AotShim.Native.Netlink;

/// <summary>One ARP (IPv4) or NDP (IPv6) neighbour entry.</summary>
/// <param name="Mac">NDA_LLADDR; null while unresolved.</param>
/// <param name="State">NUD_* (0x80 permanent, 0x02 reachable, ...); 0 when adding means permanent, as kata's agent does.</param>
/// <param name="Flags">NTF_* flags.</param>
public sealed record NeighbourInfo(int LinkIndex, IPAddress Address, PhysicalAddress? Mac, ushort State, byte Flags);
