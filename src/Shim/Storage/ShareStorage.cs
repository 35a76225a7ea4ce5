using AotShim.Shim.Config;
using AgentStorage = AotShim.Shim.Agent.Protocol.Storage;

namespace AotShim.Shim.Storage;

/// <summary>The agent Storage that mounts the sandbox share in the guest, with kata's options per shared_fs.</summary>
public static class ShareStorage
{
    public static AgentStorage For(QemuConfig hypervisor, string tag) => hypervisor.SharedFs == "virtio-9p"
        ? new AgentStorage
        {
            Driver = "9p",
            Source = tag,
            Fstype = "9p",
            MountPoint = SandboxShare.GuestDirectory,
            Options = { "trans=virtio,version=9p2000.L,cache=mmap", "nodev", $"msize={hypervisor.Msize9p}" },
        }
        : new AgentStorage
        {
            Driver = "virtio-fs",
            Source = tag,
            Fstype = "virtiofs",
            MountPoint = SandboxShare.GuestDirectory,
        };
}
