using System.Text.Json.Serialization;
using AotShim.Kvm;

namespace AotShim.Shim.Cli;

/// <summary>`ecr-runtime check --json`: every check and the overall verdict.</summary>
internal sealed record CheckReport(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("architecture")] string Architecture,
    [property: JsonPropertyName("config_file")] string? ConfigFile,
    [property: JsonPropertyName("checks")] IReadOnlyList<HostCheckResult> Checks);
