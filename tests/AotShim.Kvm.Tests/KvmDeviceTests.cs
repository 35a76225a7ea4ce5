using AotShim.Kvm;
using AotShim.Native;

namespace AotShim.Kvm.Tests;

/// <summary>Against the host's real /dev/kvm, which build.sh test requires to exist.</summary>
public sealed class KvmDeviceTests
{
    [Fact]
    public void The_host_reports_the_stable_api_version()
    {
        using KvmDevice kvm = KvmDevice.Open();

        Assert.Equal(KvmDevice.StableApiVersion, kvm.ApiVersion());
    }

    [Fact]
    public void Capabilities_the_runtime_relies_on_are_reported()
    {
        using KvmDevice kvm = KvmDevice.Open();

        Assert.True(kvm.CheckExtension(KvmCapability.UserMemory) > 0);
        Assert.True(kvm.CheckExtension(KvmCapability.MaxVcpus) >= kvm.CheckExtension(KvmCapability.NrVcpus));
    }

    [Fact]
    public void A_vm_can_be_created_and_released_as_root()
    {
        Assert.Equal(0u, (uint)Tmds.Linux.LibC.geteuid());
        using KvmDevice kvm = KvmDevice.Open();

        kvm.CreateAndDestroyVm();

        Assert.DoesNotContain("anon_inode:kvm-vm", ProcessFds.Targets());
    }

    [Fact]
    public void Opening_a_missing_device_names_it()
    {
        var e = Assert.Throws<NativeException>(() => KvmDevice.Open("/nonexistent/kvm"));

        Assert.Contains("/nonexistent/kvm", e.Message);
    }
}
