using AotShim.Kvm;

namespace AotShim.Kvm.Tests;

public sealed class HostCheckerTests
{
    private static readonly HostRequirements X64Root = new() { Architecture = HostArchitecture.X64, IsRoot = true };

    [Fact]
    public void This_host_reports_its_real_device_state()
    {
        var results = HostChecker.Run(X64Root).ToDictionary(r => r.Name);

        Assert.Equal(CheckStatus.Pass, results["kvm.device"].Status);
        Assert.Equal("12", results["kvm.api_version"].Value);
        Assert.Equal(CheckStatus.Pass, results["kvm.create_vm"].Status);
        Assert.Equal(File.Exists("/dev/vhost-vsock") ? CheckStatus.Pass : CheckStatus.Fail, results["device.vhost_vsock"].Status);
        Assert.Equal(File.Exists("/dev/vhost-net") ? CheckStatus.Pass : CheckStatus.Warn, results["device.vhost_net"].Status);
        Assert.Equal(CheckStatus.Pass, results["device.tun"].Status);
    }

    [Fact]
    public void A_missing_kvm_device_fails_with_its_path_and_stops_the_kvm_checks()
    {
        using var dir = new TempDirectory();
        var paths = new HostPaths { Kvm = Path.Combine(dir.Path, "kvm") };

        var kvm = HostChecker.Run(X64Root, paths).Where(r => r.Name.StartsWith("kvm.")).ToList();

        var only = Assert.Single(kvm);
        Assert.Equal(CheckStatus.Fail, only.Status);
        Assert.Contains(paths.Kvm, only.Reason);
        Assert.Contains("ENOENT", only.Reason);
    }

    [Fact]
    public void Missing_vhost_vsock_only_warns_when_the_configuration_does_not_use_vsock()
    {
        using var dir = new TempDirectory();
        var paths = new HostPaths { VhostVsock = Path.Combine(dir.Path, "vhost-vsock") };

        var required = HostChecker.Run(X64Root, paths).Single(r => r.Name == "device.vhost_vsock");
        var optional = HostChecker.Run(X64Root with { UseVsock = false }, paths).Single(r => r.Name == "device.vhost_vsock");

        Assert.Equal(CheckStatus.Fail, required.Status);
        Assert.Contains("does not exist", required.Reason);
        Assert.Equal(CheckStatus.Warn, optional.Status);
    }

    [Fact]
    public void Missing_vhost_net_passes_when_disable_vhost_net_is_set()
    {
        using var dir = new TempDirectory();
        var paths = new HostPaths { VhostNet = Path.Combine(dir.Path, "vhost-net") };

        var result = HostChecker.Run(X64Root with { DisableVhostNet = true }, paths).Single(r => r.Name == "device.vhost_net");

        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Contains("disable_vhost_net", result.Reason);
    }

    [Fact]
    public void Without_root_vm_creation_is_skipped_with_a_warning()
    {
        var result = HostChecker.Run(X64Root with { IsRoot = false }).Single(r => r.Name == "kvm.create_vm");

        Assert.Equal(CheckStatus.Warn, result.Status);
    }

    [Fact]
    public void The_cgroup_version_matches_the_mounted_hierarchy()
    {
        var result = HostChecker.Run(X64Root).Single(r => r.Name == "cgroup.version");

        bool unified = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Equal(unified ? "2" : "1", result.Value);
    }

    [Theory]
    [InlineData("flags\t\t: fpu vme lm sse4_1 vmx", CheckStatus.Pass, CheckStatus.Pass)]
    [InlineData("flags\t\t: fpu vme lm sse4_1", CheckStatus.Pass, CheckStatus.Warn)]
    [InlineData("flags\t\t: fpu vme", CheckStatus.Fail, CheckStatus.Warn)]
    public void Cpu_flags_come_from_cpuinfo(string flagsLine, CheckStatus lm, CheckStatus virtualization)
    {
        using var dir = new TempDirectory();
        var paths = new HostPaths { CpuInfo = dir.File("cpuinfo", "processor\t: 0\n" + flagsLine + "\n"), Modules = dir.Path };

        var results = HostChecker.Run(X64Root, paths).ToDictionary(r => r.Name);

        Assert.Equal(lm, results["cpu.flag.lm"].Status);
        Assert.Equal(virtualization, results["cpu.virtualization"].Status);
    }

    [Fact]
    public void The_pvm_module_is_named_when_vmx_and_svm_are_absent()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "kvm_pvm"));
        var paths = new HostPaths { CpuInfo = dir.File("cpuinfo", "flags\t: lm sse4_1\n"), Modules = dir.Path };

        var result = HostChecker.Run(X64Root, paths).Single(r => r.Name == "cpu.virtualization");

        Assert.Contains("kvm_pvm", result.Reason);
    }

    [Fact]
    public void Arm64_reports_the_ipa_size_and_skips_x86_cpu_flags()
    {
        var results = HostChecker.Run(X64Root with { Architecture = HostArchitecture.Arm64 });

        Assert.Contains(results, r => r.Name == "kvm.cap.arm_vm_ipa_size");
        Assert.DoesNotContain(results, r => r.Name.StartsWith("cpu."));
    }
}
