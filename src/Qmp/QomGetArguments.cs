using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>qom-get: one property of one QOM object.</summary>
internal readonly record struct QomGetArguments(string Path, string Property) : IQmpArguments
{
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("path"u8, Path);
        writer.WriteString("property"u8, Property);
    }
}
