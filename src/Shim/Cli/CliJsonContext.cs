using System.Text.Json.Serialization;
using AotShim.Shim.Config;

namespace AotShim.Shim.Cli;

/// <summary>Source-generated JSON for the CLI's --json output: no reflection at run time.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(EnvReport))]
[JsonSerializable(typeof(CheckReport))]
[JsonSerializable(typeof(VersionInfo))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
