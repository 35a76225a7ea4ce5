namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>-kernel, -initrd and -append.</summary>
public sealed record KernelOptions(string Kernel, string Initrd, string CommandLine) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        arguments.Add("-kernel", Kernel);
        if (Initrd.Length > 0)
        {
            arguments.Add("-initrd", Initrd);
        }

        arguments.Add("-append", CommandLine);
    }
}
