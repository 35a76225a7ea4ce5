using AotShim.Kvm;

namespace AotShim.Shim.Hypervisor;

/// <summary>What the VM of one sandbox is built from besides the configuration: identity, host facts and devices.</summary>
public sealed record SandboxFacts
{
    public required string Id { get; init; }

    public required Guid Uuid { get; init; }

    public required HostFacts Host { get; init; }

    /// <summary>vCPUs at boot; the rest up to maxcpus are hot-plugged.</summary>
    public uint BootVcpus { get; init; } = 1;

    public required AgentChannel Agent { get; init; }

    public required QmpEndpoint Qmp { get; init; }

    /// <summary>Size of the guest image file, which is the nvdimm backend's size.</summary>
    public long ImageSizeBytes { get; init; }

    public IReadOnlyList<NetworkEndpoint> Networks { get; init; } = [];

    public IReadOnlyList<BlockDevice> BlockDevices { get; init; } = [];

    /// <summary>The shared filesystem's tag the guest mounts by (the seed's product uses ecrShared, kata kataShared).</summary>
    public string ShareTag { get; init; } = DefaultShareTag;

    public const string DefaultShareTag = "ecrShared";

    /// <summary>QEMU stays our child (kata 3.x) unless this asks for the seed's -daemonize.</summary>
    public bool Daemonize { get; init; }

    public VmPaths Paths => new(Id);
}
