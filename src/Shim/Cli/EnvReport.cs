using System.Text.Json.Serialization;
using AotShim.Shim.Config;

namespace AotShim.Shim.Cli;

/// <summary>`ecr-runtime env --json`: the effective configuration and where it came from.</summary>
internal sealed record EnvReport(
    [property: JsonPropertyName("config_files")] IReadOnlyList<string> ConfigFiles,
    [property: JsonPropertyName("config_source")] string ConfigSource,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings,
    [property: JsonPropertyName("version")] VersionInfo Version,
    [property: JsonPropertyName("config")] ConfigurationFile Config);
