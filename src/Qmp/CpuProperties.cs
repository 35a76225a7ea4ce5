namespace AotShim.Qmp;

/// <summary>Where a vCPU sits in the topology; absent members are not part of this machine's topology.</summary>
public sealed record CpuProperties(
    int? NodeId = null,
    int? SocketId = null,
    int? DieId = null,
    int? ClusterId = null,
    int? CoreId = null,
    int? ThreadId = null);
