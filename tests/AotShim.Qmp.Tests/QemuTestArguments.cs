using System.Text.Json;

namespace AotShim.Qmp.Tests;

/// <summary>qom-get arguments, written by the test itself as any caller of ExecuteAsync can.</summary>
internal sealed record QomGet(string Path, string Property) : IQmpArguments
{
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("path", Path);
        writer.WriteString("property", Property);
    }
}

/// <summary>getfd's arguments, for sending it the way a client that forgot the descriptor would.</summary>
internal sealed record FdName(string Name) : IQmpArguments
{
    public void WriteTo(Utf8JsonWriter writer) => writer.WriteString("fdname", Name);
}
