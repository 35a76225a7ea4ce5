namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>-smp: boot vCPUs with one socket per possible vCPU, so each hot-plugged vCPU is a socket.</summary>
public sealed record SmpOptions(uint BootVcpus, uint MaxVcpus) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments) =>
        arguments.Add("-smp", $"{BootVcpus},cores=1,threads=1,sockets={MaxVcpus},maxcpus={MaxVcpus}");
}
