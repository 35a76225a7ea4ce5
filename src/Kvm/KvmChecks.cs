using AotShim.Native;

namespace AotShim.Kvm;

/// <summary>The /dev/kvm half of `check`: device, API version, capabilities, VM creation.</summary>
internal static class KvmChecks
{
    private static readonly (KvmCapability Capability, string Why)[] Required =
    [
        (KvmCapability.UserMemory, "guest memory slots"),
        (KvmCapability.Irqfd, "vhost and virtio interrupts"),
        (KvmCapability.Ioeventfd, "vhost and virtio notifications"),
    ];

    private static readonly (KvmCapability Capability, string Why)[] RequiredX64 =
    [
        (KvmCapability.SetTssAddr, "x86 task state segment"),
        (KvmCapability.ExtCpuid, "x86 CPUID passthrough"),
    ];

    public static IEnumerable<HostCheckResult> Run(HostPaths paths, HostRequirements requirements)
    {
        using FileDescriptor? probe = Files.TryOpen(paths.Kvm, OpenFlags.ReadWrite, out int errno);
        if (probe is null)
        {
            yield return HostCheckResult.Fail("kvm.device", $"cannot open {paths.Kvm}: open: {NativeException.Describe(errno)}");
            yield break;
        }

        probe.Dispose();
        yield return HostCheckResult.Pass("kvm.device", $"{paths.Kvm} opened read-write");

        using KvmDevice kvm = KvmDevice.Open(paths.Kvm);
        int api = kvm.ApiVersion();
        yield return api == KvmDevice.StableApiVersion
            ? HostCheckResult.Pass("kvm.api_version", $"KVM_GET_API_VERSION is {api}", api.ToString())
            : HostCheckResult.Fail("kvm.api_version", $"KVM_GET_API_VERSION is {api}, expected {KvmDevice.StableApiVersion}", api.ToString());

        var required = requirements.Architecture == HostArchitecture.X64 ? Required.Concat(RequiredX64) : Required;
        foreach (var (capability, why) in required)
        {
            int value = kvm.CheckExtension(capability);
            string name = "kvm.cap." + CapabilityName(capability);
            yield return value > 0
                ? HostCheckResult.Pass(name, $"supported ({why})", value.ToString())
                : HostCheckResult.Fail(name, $"not supported; needed for {why}", "0");
        }

        int maxVcpus = kvm.CheckExtension(KvmCapability.MaxVcpus);
        int recommended = kvm.CheckExtension(KvmCapability.NrVcpus);
        yield return HostCheckResult.Pass("kvm.cap.max_vcpus", $"up to {maxVcpus} vCPUs per VM ({recommended} recommended)", maxVcpus.ToString());

        if (requirements.Architecture == HostArchitecture.Arm64)
        {
            int ipaBits = kvm.CheckExtension(KvmCapability.ArmVmIpaSize);
            yield return ipaBits > 0
                ? HostCheckResult.Pass("kvm.cap.arm_vm_ipa_size", $"guest physical address space of {ipaBits} bits", ipaBits.ToString())
                : HostCheckResult.Warn("kvm.cap.arm_vm_ipa_size", "not reported; the kernel's fixed 40-bit IPA limit applies", "40");
        }

        yield return CreateVm(kvm, requirements);
    }

    private static HostCheckResult CreateVm(KvmDevice kvm, HostRequirements requirements)
    {
        if (!requirements.IsRoot)
        {
            return HostCheckResult.Warn("kvm.create_vm", "skipped: not running as root");
        }

        try
        {
            kvm.CreateAndDestroyVm();
            return HostCheckResult.Pass("kvm.create_vm", "KVM_CREATE_VM succeeded and the VM was released");
        }
        catch (NativeException e)
        {
            return HostCheckResult.Fail("kvm.create_vm", e.Message);
        }
    }

    private static string CapabilityName(KvmCapability capability) => capability switch
    {
        KvmCapability.UserMemory => "user_memory",
        KvmCapability.SetTssAddr => "set_tss_addr",
        KvmCapability.ExtCpuid => "ext_cpuid",
        KvmCapability.Irqfd => "irqfd",
        KvmCapability.Ioeventfd => "ioeventfd",
        _ => capability.ToString().ToLowerInvariant(),
    };
}
