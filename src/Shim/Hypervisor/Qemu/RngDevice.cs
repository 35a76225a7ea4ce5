namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>virtio-rng fed from entropy_source.</summary>
public sealed record RngDevice(string EntropySource) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        arguments.Object($"rng-random,id=rng0,filename={EntropySource}");
        arguments.Device("virtio-rng-pci,rng=rng0");
    }
}
