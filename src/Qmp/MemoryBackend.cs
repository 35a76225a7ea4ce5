using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>
/// object-add of guest RAM for a dimm or virtio-mem: memory-backend-ram, or memory-backend-file when MemPath is set
/// (hugetlbfs, /dev/shm with Share for vhost-user and virtio-fs).
/// </summary>
public sealed record MemoryBackend(string Id, ulong Size) : IQmpArguments
{
    public string? MemPath { get; init; }

    public bool Share { get; init; }

    public bool Prealloc { get; init; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("qom-type"u8, MemPath is null ? "memory-backend-ram"u8 : "memory-backend-file"u8);
        writer.WriteString("id"u8, Id);
        writer.WriteNumber("size"u8, Size);
        if (MemPath is not null)
        {
            writer.WriteString("mem-path"u8, MemPath);
        }

        if (Share)
        {
            writer.WriteBoolean("share"u8, true);
        }

        if (Prealloc)
        {
            writer.WriteBoolean("prealloc"u8, true);
        }
    }
}
