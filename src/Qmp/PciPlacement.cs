using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>The "bus" and "addr" a PCI device_add may name; QEMU picks when they are absent.</summary>
internal static class PciPlacement
{
    public static void Write(Utf8JsonWriter writer, string? bus, string? addr)
    {
        if (bus is not null)
        {
            writer.WriteString("bus"u8, bus);
        }

        if (addr is not null)
        {
            writer.WriteString("addr"u8, addr);
        }
    }
}
