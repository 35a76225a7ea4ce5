namespace AotShim.Shim.Config;

/// <summary>The effective configuration of one sandbox: one hypervisor, one agent, the runtime and factory.</summary>
public sealed record Configuration
{
    public const string HypervisorTable = "qemu";
    public const string AgentTable = "kata";

    public QemuConfig Hypervisor { get; init; } = new();

    public AgentConfig Agent { get; init; } = new();

    public RuntimeConfig Runtime { get; init; } = new();

    public FactoryConfig Factory { get; init; } = new();

    /// <summary>Back to the file layout, e.g. for `ecr-runtime env`; ignored unknown keys are not carried over.</summary>
    public ConfigurationFile ToFile() => new()
    {
        Hypervisor = new() { [HypervisorTable] = Hypervisor with { UnknownKeys = null } },
        Agent = new() { [AgentTable] = Agent with { UnknownKeys = null } },
        Runtime = Runtime with { UnknownKeys = null },
        Factory = Factory with { UnknownKeys = null },
    };
}
