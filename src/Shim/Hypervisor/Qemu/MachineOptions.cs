using AotShim.Kvm;

namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>-machine: type, usb=off on arm64, the accelerator, the GIC on arm64, nvdimm=on for an nvdimm image, machine_accelerators.</summary>
public sealed record MachineOptions(string Type, HostArchitecture Architecture, string Accelerator, bool Nvdimm, string Extra) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        var value = new List<string> { Type };
        if (Architecture == HostArchitecture.Arm64)
        {
            value.Add("usb=off");
        }

        value.Add("accel=" + Accelerator);
        if (Architecture == HostArchitecture.Arm64)
        {
            // "host" needs KVM's in-kernel GIC; under TCG QEMU emulates a GICv3.
            value.Add(Accelerator == "kvm" ? "gic-version=host" : "gic-version=3");
        }

        if (Nvdimm)
        {
            value.Add("nvdimm=on");
        }

        if (Extra.Length > 0)
        {
            value.Add(Extra);
        }

        arguments.Add("-machine", string.Join(',', value));
    }
}
