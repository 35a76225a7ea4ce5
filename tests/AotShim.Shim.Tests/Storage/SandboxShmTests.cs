using AotShim.Native;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Tests.Storage;

/// <summary>kata's pod shm size from the sandbox spec, and the CreateSandbox storage that makes it.</summary>
public sealed class SandboxShmTests
{
    [Fact]
    public void The_pod_shm_is_as_large_as_the_host_tmpfs_a_bind_names_64_MiB_for_a_tmpfs_and_absent_without_a_mount()
    {
        using var temp = new TempDirectory();
        string hostShm = Directory.CreateDirectory(Path.Combine(temp.Path, "shm")).FullName;
        Mounts.Mount("shm", hostShm, "tmpfs", MountFlags.None, "size=2m");
        try
        {
            Assert.Equal(2UL << 20, SandboxShm.SizeOf(Spec(new Mount { Destination = "/dev/shm", Source = hostShm, Type = "bind", Options = { "rbind" } })));
        }
        finally
        {
            Mounts.UnmountAll(hostShm);
        }

        Assert.Equal(64UL << 20, SandboxShm.SizeOf(Spec(new Mount { Destination = "/dev/shm", Source = "shm", Type = "tmpfs", Options = { "size=65536k" } })));
        Assert.Equal(0UL, SandboxShm.SizeOf(Spec(new Mount { Destination = "/tmp", Source = "tmpfs", Type = "tmpfs" })));
    }

    [Fact]
    public void A_bind_from_a_missing_source_is_refused_naming_the_mount()
    {
        var e = Assert.Throws<VolumeException>(() => SandboxShm.SizeOf(Spec(new Mount { Destination = "/dev/shm", Source = "/no/such/shm", Type = "bind" })));

        Assert.StartsWith("mount /dev/shm (source /no/such/shm): cannot size the sandbox's shm: statvfs(\"/no/such/shm\")", e.Message);
    }

    [Fact]
    public void The_sandbox_storage_is_kata_s_ephemeral_shm_tmpfs() =>
        Assert.Equal(
            new AotShim.Shim.Agent.Protocol.Storage
            {
                Driver = "ephemeral",
                Source = "shm",
                Fstype = "tmpfs",
                MountPoint = "/run/kata-containers/sandbox/shm",
                Options = { "noexec", "nosuid", "nodev", "mode=1777", "size=67108864" },
            },
            SandboxShm.Storage(64UL << 20));

    private static Spec Spec(Mount mount) => new() { Mounts = { mount } };
}
