using AotShim.GuestAgent.Launch;
using AotShim.Shim.Agent.Protocol;

namespace AotShim.GuestAgent.Containers;

/// <summary>
/// Which of the spec's mounts the launcher makes itself. /proc and the guest's /dev are always provided (so
/// proc, and everything under /dev such as devpts and mqueue, are skipped, but for /dev/shm: the shim points it at
/// the pod's shm or a tmpfs of the container's own), cgroup mounts are skipped (v1 names in a v2 guest); binds,
/// tmpfs, sysfs and the rest are mounted in the container's namespace.
/// </summary>
internal static class ContainerMounts
{
    public static IReadOnlyList<PlannedMount> From(Spec spec) =>
    [
        .. spec.Mounts
            .Where(m => !IsProvided(m))
            .Select(m => new PlannedMount(m.Type.Length > 0 ? m.Type : "bind", m.Source, m.Destination, string.Join(',', m.Options))),
    ];

    private static bool IsProvided(Mount mount)
    {
        string destination = mount.Destination.TrimEnd('/');
        return mount.Type is "proc" or "cgroup" or "cgroup2"
            || destination == "/proc"
            || destination == "/dev"
            || (destination.StartsWith("/dev/", StringComparison.Ordinal) && destination != "/dev/shm");
    }
}
