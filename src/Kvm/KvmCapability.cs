namespace AotShim.Kvm;

/// <summary>KVM_CAP_* numbers from linux/kvm.h that the runtime relies on.</summary>
public enum KvmCapability
{
    UserMemory = 3,
    SetTssAddr = 4,
    ExtCpuid = 7,
    NrVcpus = 9,
    Irqfd = 32,
    Ioeventfd = 36,
    MaxVcpus = 66,
    ArmVmIpaSize = 165,
}
