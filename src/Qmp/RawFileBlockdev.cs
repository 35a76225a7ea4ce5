using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>blockdev-add of a raw format node over a file protocol node: a host file or block device for the guest.</summary>
public sealed record RawFileBlockdev(string NodeName, string Filename) : IQmpArguments
{
    public bool ReadOnly { get; init; }

    /// <summary>Filename is a block device: QEMU's "file" driver refuses one ("requires ... to be a regular file").</summary>
    public bool HostDevice { get; init; }

    /// <summary>cache.direct: O_DIRECT on the host file (kata's block_device_cache_direct).</summary>
    public bool Direct { get; init; }

    /// <summary>cache.no-flush: ignore guest flushes (kata's block_device_cache_noflush).</summary>
    public bool NoFlush { get; init; }

    /// <summary>"threads", "native" or "io_uring"; QEMU's default when null.</summary>
    public string? Aio { get; init; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("driver"u8, "raw"u8);
        writer.WriteString("node-name"u8, NodeName);
        writer.WriteBoolean("read-only"u8, ReadOnly);
        WriteCache(writer);
        writer.WriteStartObject("file"u8);
        writer.WriteString("driver"u8, HostDevice ? "host_device"u8 : "file"u8);
        writer.WriteString("filename"u8, Filename);
        if (Aio is not null)
        {
            writer.WriteString("aio"u8, Aio);
        }

        writer.WriteEndObject();
    }

    private void WriteCache(Utf8JsonWriter writer)
    {
        if (Direct || NoFlush)
        {
            writer.WriteStartObject("cache"u8);
            writer.WriteBoolean("direct"u8, Direct);
            writer.WriteBoolean("no-flush"u8, NoFlush);
            writer.WriteEndObject();
        }
    }
}
