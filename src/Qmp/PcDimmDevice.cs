using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>device_add pc-dimm over a memory backend (needs -m ...,slots=N,maxmem=M).</summary>
public sealed record PcDimmDevice(string Id, string Memdev) : IQmpDevice
{
    public int? Node { get; init; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("driver"u8, "pc-dimm"u8);
        writer.WriteString("id"u8, Id);
        writer.WriteString("memdev"u8, Memdev);
        if (Node is int node)
        {
            writer.WriteNumber("node"u8, node);
        }
    }
}
