namespace AotShim.Qmp;

/// <summary>One query-hotpluggable-cpus slot: the CPU type to device_add and its topology; QomPath is set once plugged.</summary>
public sealed record HotpluggableCpu(string Type, int VcpusCount, CpuProperties Props, string? QomPath = null);
