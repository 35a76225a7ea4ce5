namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>The guest image as an nvdimm backed by the read-only image file; the guest mounts it with DAX.</summary>
public sealed record NvdimmImage(string ImagePath, long SizeBytes) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        arguments.Device("nvdimm,id=nv0,memdev=mem0,unarmed=on");
        arguments.Object($"memory-backend-file,id=mem0,mem-path={ImagePath},size={SizeBytes},readonly=on");
    }
}
