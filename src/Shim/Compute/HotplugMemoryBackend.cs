using AotShim.Qmp;
using AotShim.Shim.Config;

namespace AotShim.Shim.Compute;

/// <summary>
/// The backend of a hot-plugged DIMM, of the same kind as the boot memory: vhost-user devices (virtio-fs) map all guest
/// memory, so with them it must be a shared file mapping too, or the daemon cannot reach buffers placed in the DIMM.
/// </summary>
public static class HotplugMemoryBackend
{
    public static MemoryBackend For(QemuConfig h, string id, ulong sizeMiB)
    {
        var backend = new MemoryBackend(id, sizeMiB << 20) { Prealloc = h.EnableMemPrealloc };
        bool shared = h.SharedFs is "virtio-fs" or "virtio-fs-nydus" || h.EnableVhostUserStore || h.FileMemBackend.Length > 0;
        return shared ? backend with { MemPath = h.FileMemBackend.Length > 0 ? h.FileMemBackend : "/dev/shm", Share = true } : backend;
    }
}
