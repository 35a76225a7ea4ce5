namespace AotShim.Shim.Network;

/// <summary>What the shim changed in one pod's network namespace: persisted so a crashed shim's `delete` can undo it.</summary>
public sealed record NetworkState(string NetnsPath, IReadOnlyList<PodEndpoint> Endpoints);
