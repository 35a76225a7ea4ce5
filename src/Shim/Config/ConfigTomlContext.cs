using System.Text.Json.Serialization;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace AotShim.Shim.Config;

/// <summary>Source-generated TOML metadata: no reflection at run time.</summary>
[TomlSourceGenerationOptions(PreferredObjectCreationHandling = JsonObjectCreationHandling.Replace)]
[TomlSerializable(typeof(ConfigurationFile))]
[TomlSerializable(typeof(TomlTable))]
internal sealed partial class ConfigTomlContext : TomlSerializerContext
{
}
