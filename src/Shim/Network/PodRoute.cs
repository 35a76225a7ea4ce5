namespace AotShim.Shim.Network;

/// <summary>A main-table route through a pod interface; Destination is null for the default route. Protocol says who added it (2: the kernel, for an address).</summary>
public sealed record PodRoute(string? Destination, int PrefixLength, string? Gateway, string? Source, byte Scope, byte Protocol, bool IsV6);
