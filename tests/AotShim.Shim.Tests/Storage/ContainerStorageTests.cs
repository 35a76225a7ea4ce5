using AotShim.Native;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Storage;
using AgentStorage = AotShim.Shim.Agent.Protocol.Storage;

namespace AotShim.Shim.Tests.Storage;

/// <summary>A container's rootfs and volumes on the real kernel (root), without a VM: what lands in the share and the spec, and that nothing stays.</summary>
public sealed class ContainerStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Host_binds_reach_shared_under_unique_names_and_read_only_ones_stay_read_only_there()
    {
        using var fixture = new StorageFixture();
        string data = fixture.Source("data");
        string config = fixture.Source("config");
        string file = fixture.Source("hosts", file: true);
        Spec spec = StorageFixture.Spec(
            StorageFixture.Bind("/data", data),
            StorageFixture.Bind("/etc/config/", config, "ro"),
            StorageFixture.Bind("/etc/hosts", file, "ro"));

        ContainerStorage storage = await ContainerStorage.CreateAsync(fixture.Sandbox(), fixture.Request("c1"), spec, Ct);

        Assert.Equal("/run/kata-containers/shared/containers/c1/rootfs", spec.Root.Path);
        Assert.Empty(storage.Storages);
        Assert.Matches("^/run/kata-containers/shared/containers/c1-[0-9a-f]{16}-data$", spec.Mounts[0].Source);
        Assert.Matches("^/run/kata-containers/shared/containers/c1-[0-9a-f]{16}-config$", spec.Mounts[1].Source);
        Assert.Matches("^/run/kata-containers/shared/containers/c1-[0-9a-f]{16}-hosts$", spec.Mounts[2].Source);
        Assert.Equal(["rbind", "rprivate", "ro"], spec.Mounts[1].Options);
        string sharedData = fixture.InShared(spec.Mounts[0].Source);
        File.WriteAllText(Path.Combine(sharedData, "from-guest"), "guest");
        Assert.Equal("guest", File.ReadAllText(Path.Combine(data, "from-guest")));
        Assert.Equal("host", File.ReadAllText(Path.Combine(fixture.InShared(spec.Mounts[1].Source), "from-host")));
        Assert.Equal("host", File.ReadAllText(fixture.InShared(spec.Mounts[2].Source)));
        Assert.False(MountTable.IsReadOnly(sharedData));
        Assert.True(MountTable.IsReadOnly(fixture.InShared(spec.Mounts[1].Source)));
        Assert.True(MountTable.IsReadOnly(fixture.InShared(spec.Mounts[2].Source)));
        Assert.Empty(Directory.GetFileSystemEntries(fixture.Share.PrivateDirectory));

        await storage.ReleaseAsync(Ct);

        Assert.Empty(fixture.Leftovers());
        Assert.Empty(Directory.GetFileSystemEntries(fixture.Share.MountsDirectory));
        Assert.Equal("host", File.ReadAllText(file));
    }

    [Fact]
    public async Task Guest_mounts_stay_as_they_are_and_host_proc_sys_and_dev_sources_are_not_shared()
    {
        using var fixture = new StorageFixture();
        Mount[] mounts =
        [
            new() { Destination = "/proc", Source = "proc", Type = "proc" },
            new() { Destination = "/dev/pts", Source = "devpts", Type = "devpts", Options = { "nosuid", "newinstance" } },
            new() { Destination = "/dev/mqueue", Source = "mqueue", Type = "mqueue" },
            new() { Destination = "/sys", Source = "sysfs", Type = "sysfs", Options = { "ro" } },
            new() { Destination = "/sys/fs/cgroup", Source = "cgroup", Type = "cgroup" },
            new() { Destination = "/run", Source = "tmpfs", Type = "tmpfs" },
            StorageFixture.Bind("/host-sys", "/sys/kernel"),
            StorageFixture.Bind("/dev/null2", "/dev/null"),
        ];
        Spec spec = StorageFixture.Spec(mounts.Select(m => m.Clone()).ToArray());

        ContainerStorage storage = await ContainerStorage.CreateAsync(fixture.Sandbox(), fixture.Request("c1"), spec, Ct);

        Assert.Equal(mounts, spec.Mounts);
        Assert.Empty(storage.Storages);
        await storage.ReleaseAsync(Ct);
        Assert.Empty(fixture.Leftovers());
    }

    [Fact]
    public async Task EmptyDirs_are_made_in_the_guest_a_tmpfs_one_as_ephemeral_and_shm_binds_the_pods()
    {
        using var fixture = new StorageFixture();
        string disk = fixture.Source("pods/uid/volumes/kubernetes.io~empty-dir/cache");
        string memory = fixture.Source("pods/uid/volumes/kubernetes.io~empty-dir/scratch");
        Mounts.Mount("tmpfs", memory, "tmpfs", MountFlags.None, "size=1m");
        try
        {
            Spec spec = StorageFixture.Spec(
                StorageFixture.Bind("/cache", disk),
                StorageFixture.Bind("/scratch", memory),
                new Mount { Destination = "/dev/shm", Source = "shm", Type = "tmpfs", Options = { "nosuid", "size=65536k" } });

            ContainerStorage storage = await ContainerStorage.CreateAsync(
                fixture.Sandbox(new VolumeSettings("pod-1") { ShmSize = SandboxShm.DefaultSize }), fixture.Request("c1"), spec, Ct);

            Assert.Equal(
                [
                    new AgentStorage { Driver = "local", Source = "local", Fstype = "local", MountPoint = "/run/kata-containers/shared/containers/pod-1/rootfs/local/cache", Options = { "mode=0777" } },
                    new AgentStorage { Driver = "ephemeral", Source = "tmpfs", Fstype = "tmpfs", MountPoint = "/run/kata-containers/sandbox/ephemeral/scratch" },
                ],
                storage.Storages);
            Assert.Equal(
                [
                    StorageFixture.Bind("/cache", "/run/kata-containers/shared/containers/pod-1/rootfs/local/cache"),
                    StorageFixture.Bind("/scratch", "/run/kata-containers/sandbox/ephemeral/scratch"),
                    new Mount { Destination = "/dev/shm", Source = "/run/kata-containers/sandbox/shm", Type = "bind", Options = { "rbind" } },
                ],
                spec.Mounts);
            await storage.ReleaseAsync(Ct);
        }
        finally
        {
            Mounts.UnmountAll(memory);
        }

        Assert.Empty(fixture.Leftovers());
    }

    [Fact]
    public async Task With_disable_guest_empty_dir_a_disk_emptyDir_is_shared_from_the_host_and_without_a_pod_shm_each_container_gets_a_tmpfs()
    {
        using var fixture = new StorageFixture();
        string disk = fixture.Source("pods/uid/volumes/kubernetes.io~empty-dir/cache");
        Spec spec = StorageFixture.Spec(
            StorageFixture.Bind("/cache", disk),
            StorageFixture.Bind("/dev/shm", "/run/containerd/sandboxes/x/shm"));

        ContainerStorage storage = await ContainerStorage.CreateAsync(
            fixture.Sandbox(new VolumeSettings("pod-1") { DisableGuestEmptyDir = true }), fixture.Request("c1"), spec, Ct);

        Assert.Empty(storage.Storages);
        Assert.Equal("host", File.ReadAllText(Path.Combine(fixture.InShared(spec.Mounts[0].Source), "from-host")));
        Assert.Equal(new Mount { Destination = "/dev/shm", Source = "shm", Type = "tmpfs", Options = { "noexec", "nosuid", "nodev", "mode=1777", "size=67108864" } }, spec.Mounts[1]);
        await storage.ReleaseAsync(Ct);
        Assert.Empty(fixture.Leftovers());
    }

    [Fact]
    public async Task A_failing_volume_undoes_the_rootfs_and_the_volumes_before_it_and_names_the_mount()
    {
        using var fixture = new StorageFixture();
        string missing = Path.Combine(fixture.Root, "no-such-source");
        Spec spec = StorageFixture.Spec(StorageFixture.Bind("/data", fixture.Source("data")), StorageFixture.Bind("/missing", missing, "ro"));

        var e = await Assert.ThrowsAsync<VolumeException>(() => ContainerStorage.CreateAsync(fixture.Sandbox(), fixture.Request("c1"), spec, Ct));

        Assert.StartsWith($"container c1: mount /missing (source {missing}): stat(\"{missing}\")", e.Message);
        Assert.Empty(fixture.Leftovers());
        Assert.Empty(Directory.GetFileSystemEntries(fixture.Share.MountsDirectory));
        Assert.Empty(Directory.GetFileSystemEntries(fixture.Share.PrivateDirectory));
    }

    [Fact]
    public async Task Clean_from_the_record_alone_undoes_everything_as_after_a_shim_crash()
    {
        using var fixture = new StorageFixture();
        Spec spec = StorageFixture.Spec(StorageFixture.Bind("/data", fixture.Source("data")), StorageFixture.Bind("/conf", fixture.Source("conf"), "ro"));
        ContainerStorage storage = await ContainerStorage.CreateAsync(fixture.Sandbox(), fixture.Request("c1"), spec, Ct);
        StorageRecord record = storage.Record;

        ContainerStorage.Clean(record);

        Assert.Equal(Path.Combine(fixture.Bundle, "rootfs"), record.BundleRootfs);
        Assert.Equal(Path.Combine(fixture.Share.MountsDirectory, "c1"), record.ShareDirectory);
        Assert.Equal(2, record.ShareVolumes.Count);
        Assert.Empty(fixture.Leftovers());
        Assert.Empty(Directory.GetFileSystemEntries(fixture.Share.MountsDirectory));
        ContainerStorage.Clean(record);
    }

    [Fact]
    public async Task A_read_only_root_stays_marked_for_the_guest()
    {
        using var fixture = new StorageFixture();
        Spec spec = StorageFixture.Spec();
        spec.Root.Readonly = true;

        ContainerStorage storage = await ContainerStorage.CreateAsync(fixture.Sandbox(), fixture.Request("c1"), spec, Ct);

        Assert.Equal(new Root { Path = "/run/kata-containers/shared/containers/c1/rootfs", Readonly = true }, spec.Root);
        Assert.Equal("rootfs", File.ReadAllText(Path.Combine(fixture.Share.SharedDirectory, "c1", "rootfs", "in-rootfs")));
        await storage.ReleaseAsync(Ct);
        Assert.Empty(fixture.Leftovers());
    }
}
