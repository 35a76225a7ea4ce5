namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>-cpu: the host CPU under KVM, QEMU's "max" model under TCG, plus cpu_features.</summary>
public sealed record CpuOptions(string Accelerator, string Features) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        string model = Accelerator == "kvm" ? "host" : "max";
        arguments.Add("-cpu", Features.Length == 0 ? model : model + "," + Features);
    }
}
