using System.Text.Json.Serialization;
using Tomlyn.Serialization;

namespace AotShim.Shim.Config;

/// <summary>The TOML document as kata lays it out: component tables keyed by type.</summary>
public sealed record ConfigurationFile
{
    [JsonPropertyName("hypervisor")] public Dictionary<string, QemuConfig> Hypervisor { get; init; } = [];
    [JsonPropertyName("agent")] public Dictionary<string, AgentConfig> Agent { get; init; } = [];
    [JsonPropertyName("runtime")] public RuntimeConfig Runtime { get; init; } = new();
    [JsonPropertyName("factory")] public FactoryConfig Factory { get; init; } = new();

    [TomlExtensionData]
    [JsonIgnore]
    public Dictionary<string, object?>? UnknownKeys { get; init; }
}
