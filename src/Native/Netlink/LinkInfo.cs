using System.Net.NetworkInformation;

namespace AotShim.Native.Netlink;

/// <summary>One network interface as RTM_GETLINK reports it.</summary>
/// <param name="Kind">IFLA_INFO_KIND ("veth", "tun", "macvtap", ...), or "" for a device without one (lo, a physical NIC).</param>
/// <param name="Mac">IFLA_ADDRESS; <see cref="PhysicalAddress.None"/> for a device without a link-layer address.</param>
/// <param name="ParentIndex">IFLA_LINK: the lower device of a macvtap, or a veth's peer (whose index may be in another namespace); 0 when absent.</param>
/// <param name="TxQueues">IFLA_NUM_TX_QUEUES.</param>
public sealed record LinkInfo(int Index, string Name, string Kind, PhysicalAddress Mac, int Mtu, bool IsUp, int ParentIndex, int TxQueues);
