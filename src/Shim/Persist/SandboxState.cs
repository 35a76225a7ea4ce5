using AotShim.Shim.Network;

namespace AotShim.Shim.Persist;

/// <summary>
/// The host resources one sandbox holds, written as they are made: enough for `delete` after a shim crash to remove
/// every one of them. Mounts are not listed: they live in the shim's private mount namespace and die with it.
/// </summary>
public sealed record SandboxState
{
    public required string SandboxId { get; init; }

    public int QemuPid { get; init; }

    public int VirtioFsPid { get; init; }

    public NetworkState? Network { get; init; }

    /// <summary>Cgroup directories made for the sandbox, deepest last.</summary>
    public IReadOnlyList<string> Cgroups { get; init; } = [];
}
