using System.Net.NetworkInformation;

namespace AotShim.Shim.Network;

/// <summary>MAC addresses as kata writes them (aa:bb:cc:dd:ee:ff) and random locally administered ones.</summary>
public static class Macs
{
    public static string Format(PhysicalAddress mac) =>
        string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2")));

    public static PhysicalAddress Parse(string mac) => PhysicalAddress.Parse(mac.Replace(':', '-').ToUpperInvariant());

    /// <summary>Unicast, locally administered: the veth's MAC while the macvtap carries the one CNI gave it.</summary>
    public static PhysicalAddress Random()
    {
        byte[] bytes = new byte[6];
        System.Random.Shared.NextBytes(bytes);
        bytes[0] = (byte)((bytes[0] & 0xfe) | 0x02);
        return new PhysicalAddress(bytes);
    }
}
