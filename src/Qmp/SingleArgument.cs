using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>Arguments with one string member, e.g. {"id": "blk0"} for device_del or {"fdname": "tap0"} for getfd.</summary>
internal readonly record struct SingleArgument(JsonEncodedText Name, string Value) : IQmpArguments
{
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText NodeName = JsonEncodedText.Encode("node-name");
    public static readonly JsonEncodedText FdName = JsonEncodedText.Encode("fdname");

    public void WriteTo(Utf8JsonWriter writer) => writer.WriteString(Name, Value);
}
