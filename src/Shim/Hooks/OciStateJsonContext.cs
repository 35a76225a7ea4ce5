using System.Text.Json.Serialization;

namespace AotShim.Shim.Hooks;

/// <summary>Source-generated writer for the hooks' state JSON: no reflection at run time.</summary>
[JsonSerializable(typeof(OciState))]
internal sealed partial class OciStateJsonContext : JsonSerializerContext;
