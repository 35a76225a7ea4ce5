using System.Net;

namespace AotShim.Native.Netlink;

/// <summary>One IPv4 or IPv6 address of an interface (RTM_GETADDR).</summary>
/// <param name="Scope">RT_SCOPE_* (0 universe, 253 link, 254 host).</param>
public sealed record AddressInfo(int LinkIndex, IPAddress Address, int PrefixLength, byte Scope);
