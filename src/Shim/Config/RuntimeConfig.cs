using System.Text.Json.Serialization;
using Tomlyn.Serialization;

namespace AotShim.Shim.Config;

/// <summary>[runtime]: how the shim itself behaves.</summary>
public sealed record RuntimeConfig
{
    [JsonPropertyName("enable_debug")] public bool EnableDebug { get; init; }
    [JsonPropertyName("enable_tracing")] public bool EnableTracing { get; init; }
    [JsonPropertyName("jaeger_endpoint")] public string JaegerEndpoint { get; init; } = "";
    [JsonPropertyName("jaeger_user")] public string JaegerUser { get; init; } = "";
    [JsonPropertyName("jaeger_password")] public string JaegerPassword { get; init; } = "";
    [JsonPropertyName("internetworking_model")] public string InternetworkingModel { get; init; } = "tcfilter";
    [JsonPropertyName("disable_new_netns")] public bool DisableNewNetns { get; init; }
    [JsonPropertyName("disable_guest_seccomp")] public bool DisableGuestSeccomp { get; init; } = true;
    [JsonPropertyName("sandbox_cgroup_only")] public bool SandboxCgroupOnly { get; init; }
    [JsonPropertyName("static_sandbox_resource_mgmt")] public bool StaticSandboxResourceMgmt { get; init; }
    [JsonPropertyName("sandbox_bind_mounts")] public IReadOnlyList<string> SandboxBindMounts { get; init; } = [];
    [JsonPropertyName("vfio_mode")] public string VfioMode { get; init; } = "guest-kernel";
    [JsonPropertyName("disable_guest_empty_dir")] public bool DisableGuestEmptyDir { get; init; }
    [JsonPropertyName("enable_pprof")] public bool EnablePprof { get; init; }
    [JsonPropertyName("enable_sriov")] public bool EnableSriov { get; init; }
    [JsonPropertyName("enable_vcpus_pinning")] public bool EnableVcpusPinning { get; init; }
    [JsonPropertyName("guest_selinux_label")] public string GuestSelinuxLabel { get; init; } = "";
    [JsonPropertyName("create_container_timeout")] public uint CreateContainerTimeout { get; init; } = 60;
    [JsonPropertyName("experimental")] public IReadOnlyList<string> Experimental { get; init; } = [];

    [TomlExtensionData]
    [JsonIgnore]
    public Dictionary<string, object?>? UnknownKeys { get; init; }
}
