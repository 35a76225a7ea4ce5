namespace AotShim.Kvm;

/// <summary>What the effective configuration asks of the host.</summary>
public sealed record HostRequirements
{
    public required HostArchitecture Architecture { get; init; }

    /// <summary>The configuration insists on vsock for the agent, so /dev/vhost-vsock is mandatory.</summary>
    public bool UseVsock { get; init; } = true;

    /// <summary>disable_vhost_net: the tap netdev runs without vhost, so /dev/vhost-net is not needed.</summary>
    public bool DisableVhostNet { get; init; }

    public bool IsRoot { get; init; }
}
