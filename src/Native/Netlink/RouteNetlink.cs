using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AotShim.Native.Netlink;

/// <summary>
/// rtnetlink (NETLINK_ROUTE) for links, addresses, routes, neighbours and the tc objects of tcfilter. The socket stays
/// in the network namespace it was opened in, whichever thread uses it later; calls are serialized. Kernel errors
/// become <see cref="NativeException"/>s that name the request and the interface, e.g.
/// "RTM_DELLINK link 42: ENODEV (No such device)".
/// </summary>
public sealed partial class RouteNetlink : IDisposable
{
    // Our largest request (a u32 filter with its mirred action) is under 200 bytes.
    private const int RequestSize = 512;

    private const byte AfUnspec = 0;
    private const byte AfInet = 2;
    private const byte AfInet6 = 10;

    private readonly NetlinkSocket _socket;

    private RouteNetlink(NetlinkSocket socket) => _socket = socket;

    /// <summary>A NETLINK_ROUTE socket in the calling thread's network namespace (see <see cref="NetworkNamespace.Run{T}"/>).</summary>
    public static RouteNetlink Open() => new(NetlinkSocket.Open());

    public void Dispose() => _socket.Dispose();

    private static byte Family(AddressFamily family, string what) => family switch
    {
        AddressFamily.InterNetwork => AfInet,
        AddressFamily.InterNetworkV6 => AfInet6,
        _ => throw new ArgumentException($"{what}: address family {family} is neither IPv4 nor IPv6"),
    };

    private static AddressFamily Family(byte family) => family == AfInet6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    private static byte[] Bytes(IPAddress address) => address.GetAddressBytes();

    private static void CheckPrefix(IPAddress address, int prefixLength, string what)
    {
        int bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (prefixLength < 0 || prefixLength > bits)
        {
            throw new ArgumentException($"{what}: prefix length {prefixLength} is outside 0..{bits}");
        }
    }

    private static T ReadHeader<T>(ReadOnlySpan<byte> payload)
        where T : unmanaged =>
        payload.Length >= Unsafe.SizeOf<T>()
            ? MemoryMarshal.Read<T>(payload)
            : throw new IOException($"netlink: a {payload.Length}-byte reply is shorter than its {Unsafe.SizeOf<T>()}-byte header");

    private static ReadOnlySpan<byte> AttributesAfter<T>(ReadOnlySpan<byte> payload)
        where T : unmanaged => payload[Math.Min((Unsafe.SizeOf<T>() + 3) & ~3, payload.Length)..];

    /// <summary>"link 3 (eth0)" when the index exists, "link 3" when not: error messages name the interface.</summary>
    private string Link(int index)
    {
        string? name = null;
        try
        {
            name = FindLink(index)?.Name;
        }
        catch (NativeException)
        {
        }

        return name is null ? $"link {index}" : $"link {index} ({name})";
    }
}
