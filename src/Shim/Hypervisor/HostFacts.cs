using AotShim.Kvm;

namespace AotShim.Shim.Hypervisor;

/// <summary>Host numbers the command line depends on (maxcpus, maxmem, nesting).</summary>
public sealed record HostFacts(HostArchitecture Architecture, uint Cpus, ulong MemoryMiB, bool RunningOnHypervisor, bool VhostNetAvailable);
