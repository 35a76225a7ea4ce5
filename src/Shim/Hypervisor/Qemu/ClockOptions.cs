using AotShim.Kvm;

namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>-rtc on the host clock; the kvm-pit tick policy only where there is a KVM PIT (x86 under KVM).</summary>
public sealed record ClockOptions(HostArchitecture Architecture, string Accelerator) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        arguments.Add("-rtc", "base=utc,driftfix=slew,clock=host");
        if (Architecture == HostArchitecture.X64 && Accelerator == "kvm")
        {
            arguments.Add("-global", "kvm-pit.lost_tick_policy=discard");
        }
    }
}
