namespace AotShim.Shim.Network;

/// <summary>An address found on a pod interface, kept as text so the persisted state can restore it.</summary>
public sealed record PodAddress(string Address, int PrefixLength);
