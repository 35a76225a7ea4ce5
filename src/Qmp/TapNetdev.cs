using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>
/// netdev_add of a tap backend whose queues are descriptors already passed with getfd (one name per queue);
/// Vhost must stay false where /dev/vhost-net is absent, or QEMU dies.
/// </summary>
public sealed record TapNetdev(string Id, IReadOnlyList<string> FdNames) : IQmpArguments
{
    public bool Vhost { get; init; }

    /// <summary>getfd names of /dev/vhost-net descriptors, one per queue, when Vhost is on.</summary>
    public IReadOnlyList<string> VhostFdNames { get; init; } = [];

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("type"u8, "tap"u8);
        writer.WriteString("id"u8, Id);
        writer.WriteString("fds"u8, string.Join(':', FdNames));
        writer.WriteBoolean("vhost"u8, Vhost);
        if (VhostFdNames.Count > 0)
        {
            writer.WriteString("vhostfds"u8, string.Join(':', VhostFdNames));
        }
    }
}
