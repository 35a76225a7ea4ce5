namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>Boot memory as a NUMA node's backend: shared file memory when virtio-fs (vhost-user) must map it, RAM otherwise.</summary>
public sealed record GuestMemoryBackend(uint MemoryMiB, bool Shared, string SharedPath, bool Prealloc) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        string backend = Shared
            ? $"memory-backend-file,id=dimm1,size={MemoryMiB}M,mem-path={SharedPath},share=on"
            : $"memory-backend-ram,id=dimm1,size={MemoryMiB}M";
        arguments.Object(Prealloc ? backend + ",prealloc=on" : backend);
        arguments.Add("-numa", "node,memdev=dimm1");
    }
}
