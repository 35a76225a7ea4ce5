namespace AotShim.Shim.Network;

/// <summary>A permanent neighbour entry CNI left on a pod interface.</summary>
public sealed record PodNeighbour(string Address, string Mac, ushort State, byte Flags);
