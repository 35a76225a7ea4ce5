using System.Text.Json.Serialization;
using Tomlyn.Serialization;

namespace AotShim.Shim.Config;

/// <summary>[factory]: VM templating and the VM cache.</summary>
public sealed record FactoryConfig
{
    [JsonPropertyName("enable_template")] public bool EnableTemplate { get; init; }
    [JsonPropertyName("template_path")] public string TemplatePath { get; init; } = "/run/vc/vm/template";
    [JsonPropertyName("vm_cache_number")] public uint VmCacheNumber { get; init; }
    [JsonPropertyName("vm_cache_endpoint")] public string VmCacheEndpoint { get; init; } = "/var/run/kata-containers/cache.sock";

    [TomlExtensionData]
    [JsonIgnore]
    public Dictionary<string, object?>? UnknownKeys { get; init; }
}
