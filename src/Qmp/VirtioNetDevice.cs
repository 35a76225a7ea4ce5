using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>device_add virtio-net-pci over a netdev; with several queues set Mq and Vectors (2 * queues + 2).</summary>
public sealed record VirtioNetDevice(string Id, string Netdev) : IQmpDevice
{
    public string? Mac { get; init; }

    public bool Mq { get; init; }

    public int? Vectors { get; init; }

    public string? Bus { get; init; }

    public string? Addr { get; init; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("driver"u8, "virtio-net-pci"u8);
        writer.WriteString("id"u8, Id);
        writer.WriteString("netdev"u8, Netdev);
        if (Mac is not null)
        {
            writer.WriteString("mac"u8, Mac);
        }

        if (Mq)
        {
            writer.WriteBoolean("mq"u8, true);
        }

        if (Vectors is int vectors)
        {
            writer.WriteNumber("vectors"u8, vectors);
        }

        PciPlacement.Write(writer, Bus, Addr);
    }
}
