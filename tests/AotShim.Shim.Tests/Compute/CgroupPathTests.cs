using AotShim.Shim.Compute;

namespace AotShim.Shim.Tests.Compute;

/// <summary>The sandbox cgroup's place: kata's naming for cgroupfs and systemd cgroupsPath forms, and mountinfo parsing.</summary>
public sealed class CgroupPathTests
{
    [Theory]
    [InlineData(null, "/ecr_sb1")]
    [InlineData("", "/ecr_sb1")]
    [InlineData("/kubepods/burstable/pod1/abc", "/kubepods/burstable/pod1/ecr_abc")]
    [InlineData("kubepods//pod1/abc/", "/kubepods/pod1/ecr_abc")]
    [InlineData("/", "/ecr_sb1")]
    [InlineData("system.slice:cri-containerd:abc", "/system.slice/cri-containerd-abc.scope")]
    [InlineData("kubepods-burstable-pod1.slice:cri-containerd:abc", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-abc.scope")]
    [InlineData("-.slice:ecr:abc", "/ecr-abc.scope")]
    public void Cgroups_path_forms_map_to_a_path_in_every_hierarchy(string? cgroupsPath, string expected) =>
        Assert.Equal(expected, SandboxCgroupPath.For("sb1", cgroupsPath));

    [Theory]
    [InlineData("/kubepods/../etc")]
    [InlineData("a--b.slice:p:n")]
    [InlineData("a.slice:p:n/x")]
    public void Malformed_paths_are_refused_quoting_linux_cgroups_path(string cgroupsPath)
    {
        var e = Assert.Throws<ArgumentException>(() => SandboxCgroupPath.For("sb1", cgroupsPath));

        Assert.Contains($"linux.cgroupsPath \"{cgroupsPath}\"", e.Message);
    }

    [Fact]
    public void A_hybrid_host_has_each_v1_hierarchy_once_and_the_unified_one()
    {
        string[] mountInfo =
        [
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct",
            "33 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children",
            "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate",
            "90 31 0:29 / /mnt/cpu\\040again rw,relatime - cgroup cgroup rw,cpu,cpuacct",
        ];

        IReadOnlyList<CgroupHierarchy> hierarchies = CgroupHierarchy.Parse(mountInfo);

        Assert.Equal(
            [("/sys/fs/cgroup/cpu,cpuacct", false, "cpu,cpuacct"), ("/sys/fs/cgroup/cpuset", false, "cpuset"), ("/sys/fs/cgroup/systemd", false, "name=systemd"), ("/sys/fs/cgroup/unified", true, "")],
            hierarchies.Select(h => (h.MountPoint, h.Unified, string.Join(',', h.Controllers))));
        Assert.True(hierarchies[0].Matches("2:cpu,cpuacct:/a", out string path));
        Assert.Equal("/a", path);
        Assert.False(hierarchies[0].Matches("4:memory:/a", out _));
        Assert.True(hierarchies[3].Matches("0::/b", out path));
        Assert.Equal("/sys/fs/cgroup/unified/b", hierarchies[3].Directory(path));
    }

    [Fact]
    public void A_v2_host_has_one_unified_hierarchy() =>
        Assert.Equal(
            [new CgroupHierarchy("/sys/fs/cgroup", true, [])],
            CgroupHierarchy.Parse(["30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot"]),
            new HierarchyComparer());

    private sealed class HierarchyComparer : IEqualityComparer<CgroupHierarchy>
    {
        public bool Equals(CgroupHierarchy? x, CgroupHierarchy? y) =>
            x is not null && y is not null && x.MountPoint == y.MountPoint && x.Unified == y.Unified && x.Controllers.SequenceEqual(y.Controllers);

        public int GetHashCode(CgroupHierarchy obj) => obj.MountPoint.GetHashCode(StringComparison.Ordinal);
    }
}
