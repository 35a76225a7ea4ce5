using AotShim.Shim.Config;

namespace AotShim.Shim.Annotations;

/// <summary>io.katacontainers.config.agent.*: each overrides one [agent.kata] key.</summary>
internal static class AgentAnnotations
{
    public static readonly AnnotationRule[] Rules =
    [
        Set("enable_tracing", (a, v) => a with { EnableTracing = v.Bool() }),
        Set("container_pipe_size", (a, v) => a with { ContainerPipeSize = v.UInt32() }),
        Set("kernel_modules", (a, v) => a with { KernelModules = KernelModules(v) }),
        Set("trace_mode", (a, v) => a with { TraceMode = v.Raw }),
        Set("trace_type", (a, v) => a with { TraceType = v.Raw }),
    ];

    /// <summary>"e1000e InterruptThrottleRate=3000; i915 enable_ppgtt=0": one module with its parameters per ';'.</summary>
    private static IReadOnlyList<string> KernelModules(AnnotationValue value) =>
        value.Raw.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static AnnotationRule Set(string name, Func<AgentConfig, AnnotationValue, AgentConfig> apply) =>
        new(name, (configuration, value) => configuration with { Agent = apply(configuration.Agent, value) });
}
