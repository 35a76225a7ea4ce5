using System.Text.Json.Serialization;

namespace AotShim.Shim.Hooks;

/// <summary>
/// The container state the runtime spec hands to every hook on stdin, member for member as runtime-spec's Go State
/// marshals it: ociVersion, id, status, pid (left out while 0), bundle, annotations (left out while empty).
/// </summary>
public sealed record OciState
{
    /// <summary>The runtime-spec release whose state schema this follows.</summary>
    public const string SpecVersion = "1.2.0";

    private readonly IReadOnlyDictionary<string, string>? _annotations;

    public OciState(string id, OciStatus status, string bundle)
    {
        Id = id;
        Status = status;
        Bundle = bundle;
    }

    [JsonPropertyName("ociVersion")]
    [JsonPropertyOrder(0)]
    public string OciVersion { get; init; } = SpecVersion;

    [JsonPropertyName("id")]
    [JsonPropertyOrder(1)]
    public string Id { get; init; }

    [JsonPropertyName("status")]
    [JsonPropertyOrder(2)]
    public OciStatus Status { get; init; }

    /// <summary>The process hosting the container as the host sees it; required by the spec while created or running.</summary>
    [JsonPropertyName("pid")]
    [JsonPropertyOrder(3)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Pid { get; init; }

    [JsonPropertyName("bundle")]
    [JsonPropertyOrder(4)]
    public string Bundle { get; init; }

    [JsonPropertyName("annotations")]
    [JsonPropertyOrder(5)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations
    {
        get => _annotations;
        init => _annotations = value is { Count: > 0 } ? value : null;
    }
}
