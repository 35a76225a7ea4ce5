using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>Marks a command sent without an "arguments" member.</summary>
internal readonly struct NoArguments : IQmpArguments
{
    public void WriteTo(Utf8JsonWriter writer)
    {
    }
}
