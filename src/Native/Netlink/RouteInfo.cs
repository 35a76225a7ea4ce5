using System.Net;
using System.Net.Sockets;

namespace AotShim.Native.Netlink;

/// <summary>One route (RTM_GETROUTE / RTM_NEWROUTE).</summary>
/// <param name="Family"><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/>.</param>
/// <param name="Destination">RTA_DST; null with prefix length 0 for the default route.</param>
/// <param name="Source">RTA_PREFSRC: the source address the kernel prefers for this route.</param>
/// <param name="LinkIndex">RTA_OIF, or 0.</param>
/// <param name="Scope">RT_SCOPE_* (0 universe, 253 link, 254 host).</param>
/// <param name="Protocol">RTPROT_* (2 kernel, 3 boot, 4 static); 0 when adding means boot, as `ip route add`.</param>
/// <param name="Type">RTN_* (1 unicast, 2 local, ...); 0 when adding means unicast.</param>
/// <param name="Table">The routing table; 0 when adding means main (254).</param>
public sealed record RouteInfo(
    AddressFamily Family,
    IPAddress? Destination,
    int DestinationPrefixLength,
    IPAddress? Gateway,
    IPAddress? Source,
    int LinkIndex,
    byte Scope,
    byte Protocol,
    byte Type,
    uint Table)
{
    /// <summary>The route in `ip route` words, for messages: "10.1.0.0/24 via 10.1.0.1 src 10.1.0.2 link 3".</summary>
    public override string ToString()
    {
        string text = Destination is null && DestinationPrefixLength == 0 ? "default" : $"{Destination}/{DestinationPrefixLength}";
        if (Gateway is not null)
        {
            text += " via " + Gateway;
        }

        if (Source is not null)
        {
            text += " src " + Source;
        }

        return LinkIndex > 0 ? $"{text} link {LinkIndex}" : text;
    }
}
