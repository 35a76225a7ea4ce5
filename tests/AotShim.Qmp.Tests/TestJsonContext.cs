using System.Text.Json.Serialization;

namespace AotShim.Qmp.Tests;

/// <summary>Result types of commands the tests run through the generic ExecuteAsync, source-generated as the product's are.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower)]
[JsonSerializable(typeof(NamedValue))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(BlockNode[]))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

internal sealed record NamedValue(string Name, int Value);

internal sealed record BlockNode(string NodeName, bool Ro, string File);
