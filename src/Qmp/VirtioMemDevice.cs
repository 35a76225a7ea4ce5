using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>device_add virtio-mem-pci: the backend is the maximum, RequestedSize what the guest is asked to plug.</summary>
public sealed record VirtioMemDevice(string Id, string Memdev) : IQmpDevice
{
    public ulong? RequestedSize { get; init; }

    public int? Node { get; init; }

    public string? Bus { get; init; }

    public string? Addr { get; init; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("driver"u8, "virtio-mem-pci"u8);
        writer.WriteString("id"u8, Id);
        writer.WriteString("memdev"u8, Memdev);
        if (RequestedSize is ulong size)
        {
            writer.WriteNumber("requested-size"u8, size);
        }

        if (Node is int node)
        {
            writer.WriteNumber("node"u8, node);
        }

        PciPlacement.Write(writer, Bus, Addr);
    }
}
