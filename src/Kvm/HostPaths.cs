namespace AotShim.Kvm;

/// <summary>Where the host checks look; tests point these at their own files.</summary>
public sealed record HostPaths
{
    public string Kvm { get; init; } = "/dev/kvm";

    public string VhostVsock { get; init; } = "/dev/vhost-vsock";

    public string VhostNet { get; init; } = "/dev/vhost-net";

    public string Tun { get; init; } = "/dev/net/tun";

    public string CgroupRoot { get; init; } = "/sys/fs/cgroup";

    public string CpuInfo { get; init; } = "/proc/cpuinfo";

    public string Modules { get; init; } = "/sys/module";
}
