using System.Text.Json.Serialization;

namespace AotShim.Shim.Persist;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SandboxState))]
internal sealed partial class PersistJsonContext : JsonSerializerContext;
