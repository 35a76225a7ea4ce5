using System.Text.Json.Serialization;
using Tomlyn.Serialization;

namespace AotShim.Shim.Config;

/// <summary>[agent.kata]: what the guest agent is told at start-up.</summary>
public sealed record AgentConfig
{
    [JsonPropertyName("enable_debug")] public bool EnableDebug { get; init; }
    [JsonPropertyName("enable_tracing")] public bool EnableTracing { get; init; }
    [JsonPropertyName("trace_mode")] public string TraceMode { get; init; } = "";
    [JsonPropertyName("trace_type")] public string TraceType { get; init; } = "";
    [JsonPropertyName("debug_console_enabled")] public bool DebugConsoleEnabled { get; init; }
    [JsonPropertyName("dial_timeout")] public uint DialTimeout { get; init; } = 45;
    [JsonPropertyName("container_pipe_size")] public uint ContainerPipeSize { get; init; }
    /// <summary>Our extension: how the shim reaches the agent (auto = vsock when /dev/vhost-vsock exists, else virtio-serial).</summary>
    [JsonPropertyName("transport")] public string Transport { get; init; } = "auto";
    [JsonPropertyName("kernel_modules")] public IReadOnlyList<string> KernelModules { get; init; } = [];

    [TomlExtensionData]
    [JsonIgnore]
    public Dictionary<string, object?>? UnknownKeys { get; init; }
}
