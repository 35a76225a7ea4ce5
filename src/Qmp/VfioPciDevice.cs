using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>device_add vfio-pci: passes the host PCI function Host (a BDF such as "0000:3b:00.0") through to the guest.</summary>
public sealed record VfioPciDevice(string Id, string Host) : IQmpDevice
{
    public string? Bus { get; init; }

    public string? Addr { get; init; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("driver"u8, "vfio-pci"u8);
        writer.WriteString("id"u8, Id);
        writer.WriteString("host"u8, Host);
        PciPlacement.Write(writer, Bus, Addr);
    }
}
