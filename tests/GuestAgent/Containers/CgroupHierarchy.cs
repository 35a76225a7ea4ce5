using AotShim.GuestAgent.Native;
using AotShim.Native;

namespace AotShim.GuestAgent.Containers;

/// <summary>
/// The guest's cgroup v2 tree: /sys/fs/cgroup (mounted here if /init did not) with the cpu, cpuset, memory and
/// pids controllers handed down to /sys/fs/cgroup/ecr, under which each container gets its own group.
/// </summary>
internal static class CgroupHierarchy
{
    public const string Root = "/sys/fs/cgroup";
    public const string Containers = Root + "/ecr";
    private static readonly string[] Controllers = ["cpu", "cpuset", "memory", "pids"];

    public static void Prepare()
    {
        Directory.CreateDirectory(Root);
        if (FileSystems.Type(Root) != FileSystems.Cgroup2Magic)
        {
            GuestLibc.Mount("cgroup2", Root, "cgroup2", (ulong)(MsFlags.NoSuid | MsFlags.NoDev | MsFlags.NoExec), null);
        }

        EnableControllers(Root);
        Directory.CreateDirectory(Containers);
        EnableControllers(Containers);
    }

    /// <summary>Hands every wanted controller the group has down to its children.</summary>
    private static void EnableControllers(string group)
    {
        string[] available = File.ReadAllText(Path.Combine(group, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string controller in Controllers.Intersect(available))
        {
            File.WriteAllText(Path.Combine(group, "cgroup.subtree_control"), "+" + controller);
        }
    }
}
