using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>device_add virtio-blk-pci over a blockdev node; on q35 hotplug needs a pcie-root-port (or shpc bridge) as Bus.</summary>
public sealed record VirtioBlkDevice(string Id, string Drive) : IQmpDevice
{
    public string? Bus { get; init; }

    public string? Addr { get; init; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("driver"u8, "virtio-blk-pci"u8);
        writer.WriteString("id"u8, Id);
        writer.WriteString("drive"u8, Drive);
        PciPlacement.Write(writer, Bus, Addr);
    }
}
