namespace AotShim.Shim.Hypervisor;

/// <summary>A tap endpoint: queue fds and (when vhost-net is used) one vhost fd per queue, as numbered in QEMU.</summary>
public sealed record NetworkEndpoint(string Mac, IReadOnlyList<int> TapFds, IReadOnlyList<int> VhostFds);
