namespace AotShim.Qmp;

/// <summary>One query-cpus-fast entry: a vCPU that exists, with its host thread.</summary>
public sealed record CpuInfo(int CpuIndex, string QomPath, int ThreadId, CpuProperties Props, string Target);
