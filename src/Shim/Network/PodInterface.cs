namespace AotShim.Shim.Network;

/// <summary>One veth of the pod's network namespace as CNI left it: what the guest's NIC takes over.</summary>
public sealed record PodInterface(
    string Name,
    string Mac,
    int Mtu,
    IReadOnlyList<PodAddress> Addresses,
    IReadOnlyList<PodRoute> Routes,
    IReadOnlyList<PodNeighbour> Neighbours);
