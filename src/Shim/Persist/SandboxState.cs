using AotShim.Shim.Network;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Persist;

/// <summary>
/// The host resources one sandbox holds, written as they are made: enough for `delete` after a shim crash to remove
/// every one of them. The mounts themselves live in the shim's private mount namespace and die with it; the
/// containers' records still name them, and the share directories they leave.
/// </summary>
public sealed record SandboxState
{
    public required string SandboxId { get; init; }

    public int QemuPid { get; init; }

    public int VirtioFsPid { get; init; }

    public NetworkState? Network { get; init; }

    /// <summary>Each container's storage on the host, as <see cref="ContainerStorage.Clean"/> undoes it.</summary>
    public IReadOnlyList<StorageRecord> Containers { get; init; } = [];

    /// <summary>Cgroup directories made for the sandbox, deepest last.</summary>
    public IReadOnlyList<string> Cgroups { get; init; } = [];
}
