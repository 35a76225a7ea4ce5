using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using AotShim.Native.Netlink;
using ProtoIPAddress = AotShim.Shim.Agent.Protocol.IPAddress;

namespace AotShim.GuestAgent.Network;

/// <summary>The agent protocol's text forms of MACs, addresses and prefixes, both ways; bad input is named.</summary>
internal static class ProtoAddresses
{
    /// <summary>"02:42:ac:11:00:02" (Go's net.HardwareAddr form, which the kata runtime sends).</summary>
    public static string Format(PhysicalAddress mac) => string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    public static PhysicalAddress ParseMac(string text, string what) =>
        text.Length > 0 && PhysicalAddress.TryParse(text, out PhysicalAddress? mac) && mac.GetAddressBytes().Length == 6
            ? mac
            : throw new ArgumentException($"{what}: \"{text}\" is not a MAC address");

    public static IPAddress ParseAddress(string text, string what) =>
        IPAddress.TryParse(text, out IPAddress? address) && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            ? address
            : throw new ArgumentException($"{what}: \"{text}\" is not an IP address");

    /// <summary>"10.0.0.0/24" or a bare address (a host route).</summary>
    public static (IPAddress Address, int PrefixLength) ParsePrefix(string text, string what)
    {
        int slash = text.IndexOf('/');
        IPAddress address = ParseAddress(slash < 0 ? text : text[..slash], what);
        int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            return (address, bits);
        }

        return int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int prefix) && prefix <= bits
            ? (address, prefix)
            : throw new ArgumentException($"{what}: \"{text}\" has no prefix length between 0 and {bits}");
    }

    /// <summary>types.IPAddress: the mask field carries the prefix length as decimal text.</summary>
    public static (IPAddress Address, int PrefixLength) Parse(ProtoIPAddress address, string what)
    {
        IPAddress ip = ParseAddress(address.Address, what);
        int bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return int.TryParse(address.Mask, NumberStyles.None, CultureInfo.InvariantCulture, out int prefix) && prefix <= bits
            ? (ip, prefix)
            : throw new ArgumentException($"{what}: mask \"{address.Mask}\" of {address.Address} is not a prefix length between 0 and {bits}");
    }

    public static ProtoIPAddress ToProto(AddressInfo address) => new()
    {
        Family = Family(address.Address.AddressFamily),
        Address = address.Address.ToString(),
        Mask = address.PrefixLength.ToString(CultureInfo.InvariantCulture),
    };

    public static Shim.Agent.Protocol.IPFamily Family(AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 ? Shim.Agent.Protocol.IPFamily.V6 : Shim.Agent.Protocol.IPFamily.V4;
}
