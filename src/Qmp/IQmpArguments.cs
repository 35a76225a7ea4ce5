using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>A command's "arguments" object, written property by property straight into the outgoing JSON.</summary>
public interface IQmpArguments
{
    /// <summary>Writes the properties; the writer is already inside the arguments object.</summary>
    void WriteTo(Utf8JsonWriter writer);
}
