using AotShim.Shim.Agent.Protocol;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>The agent requests a kata shim sends, reduced to what the tests vary.</summary>
internal static class ContainerSpecs
{
    /// <summary>CreateSandbox's storage for the shared directory: the 9p share mounted where kata mounts it.</summary>
    public static Storage SharedDirectory() => new()
    {
        Driver = "9p",
        Source = GuestVm.ShareTag,
        Fstype = "9p",
        Options = { "trans=virtio,version=9p2000.L,msize=262144,cache=mmap", "nodev" },
        MountPoint = GuestRootfs.GuestShared,
    };

    public static Process Process(params string[] args) => new()
    {
        Args = { args },
        Env = { "PATH=/bin", "HOME=/root" },
        Cwd = "/",
        User = new User(),
    };

    public static CreateContainerRequest Create(string containerId, string rootfs, Process process) => new()
    {
        ContainerId = containerId,
        ExecId = containerId,
        OCI = new Spec
        {
            Version = "1.0.2",
            Process = process,
            Root = new Root { Path = rootfs },
            Hostname = "ctr-" + containerId,
        },
    };
}
