using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>An asynchronous QMP event, e.g. SHUTDOWN or DEVICE_DELETED; Data is Undefined when QEMU sent none.</summary>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp)
{
    /// <summary>A string member of Data, or null when absent (DEVICE_DELETED's "device", VSERPORT_CHANGE's "id").</summary>
    public string? DataString(string property) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
