using System.Text.Json.Serialization;

namespace AotShim.Shim.Hooks;

/// <summary>The runtime-spec's container statuses, spelled as its state JSON spells them.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OciStatus>))]
public enum OciStatus
{
    [JsonStringEnumMemberName("creating")]
    Creating,
    [JsonStringEnumMemberName("created")]
    Created,
    [JsonStringEnumMemberName("running")]
    Running,
    [JsonStringEnumMemberName("stopped")]
    Stopped,
}
