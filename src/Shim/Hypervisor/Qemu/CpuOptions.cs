using AotShim.Kvm;

namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>-cpu: the host CPU under KVM, QEMU's "max" model under TCG, plus cpu_features.</summary>
public sealed record CpuOptions(HostArchitecture Architecture, string Accelerator, string Features) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        // Under TCG the architected pointer-authentication hash makes an arm64 boot ~4x slower; impdef is cheap.
        string model = Accelerator == "kvm" ? "host" : Architecture == HostArchitecture.Arm64 ? "max,pauth-impdef=on" : "max";
        arguments.Add("-cpu", Features.Length == 0 ? model : model + "," + Features);
    }
}
