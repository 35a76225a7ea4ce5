using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>device_add of a vCPU: the driver is the slot's type from query-hotpluggable-cpus, the topology its props.</summary>
public sealed record CpuDevice(string Id, string Driver, CpuProperties Props) : IQmpDevice
{
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("driver"u8, Driver);
        writer.WriteString("id"u8, Id);
        WriteIfSet(writer, "node-id"u8, Props.NodeId);
        WriteIfSet(writer, "socket-id"u8, Props.SocketId);
        WriteIfSet(writer, "die-id"u8, Props.DieId);
        WriteIfSet(writer, "cluster-id"u8, Props.ClusterId);
        WriteIfSet(writer, "core-id"u8, Props.CoreId);
        WriteIfSet(writer, "thread-id"u8, Props.ThreadId);
    }

    private static void WriteIfSet(Utf8JsonWriter writer, ReadOnlySpan<byte> name, int? value)
    {
        if (value is int number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
