using AotShim.Kvm;
using AotShim.Qmp;
using AotShim.Shim.Agent;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Compute;
using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;
using AotShim.Shim.Storage;
using AotShim.Shim.Tests.Hypervisor;
using AotShim.Shim.Ttrpc;

namespace AotShim.Shim.Tests.Compute;

/// <summary>
/// The resizer against the product's QEMU command line (q35, TCG) with the test guest and its agent: one boot with
/// 1 vCPU (maxcpus 4) and 512 MiB (4 slots, maxmem 2 GiB); containers in the guest report what they see.
/// </summary>
public sealed class VmResizerGuestTests
{
    private const long MiB = 1 << 20;
    private static readonly TimeSpan GuestBoot = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_pod_grows_by_its_quota_and_limit_shrinks_its_vcpus_and_keeps_its_memory()
    {
        string guest = Repo.Guest("x64");
        var h = new QemuConfig
        {
            Path = "/usr/bin/qemu-system-x86_64",
            MachineType = "q35",
            Accelerator = "tcg",
            Kernel = Path.Combine(guest, "vmlinux"),
            Initrd = Path.Combine(guest, "initrd.img"),
            SharedFs = "virtio-9p",
            Msize9p = 262144,
            BlockDeviceDriver = "virtio-blk",
            DefaultVcpus = 1,
            DefaultMaxVcpus = 4,
            DefaultMemory = 512,
            DefaultMaxMemory = 2048,
            MemorySlots = 4,
            CpuFeatures = "pmu=off",
        };

        // TCG runs 4 vCPUs on this 2-core machine; the builder caps maxcpus at the host's CPUs, as kata does.
        await using SandboxVm vm = await SandboxVm.StartAsync(new Configuration { Hypervisor = h }, HostArchitecture.X64, host: facts => facts with { Cpus = 4 });
        await using AgentClient agent = await AgentDialer.DialAsync(new SerialAgentEndpoint(vm.Facts.Paths.AgentSocket), GuestBoot, vm.Process.Exited, Ct);
        await agent.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = vm.Facts.Id, Storages = { ShareStorage.For(h, SandboxFacts.DefaultShareTag) } }, Ct);
        var warnings = new List<string>();
        var reports = new List<string>();
        void Warn(string level, string message) => (level == "warning" ? warnings : reports).Add(message);
        VmBounds bounds = VmBounds.For(h, vm.Facts.Host);
        Assert.Equal(new VmBounds(1, 4, 512, 2048, 4), bounds);
        (int cpus, long memTotal) = await ProbeAsync(vm, agent, "probe0");
        Assert.Equal(1, cpus);

        var fixedSize = new VmResizer(vm.Qmp, agent, bounds, h, staticSizing: true, unplugVcpus: true, Warn);
        await fixedSize.ApplyAsync("ctr", Resources(200_000, 100_000, 256 * MiB), Ct);
        Assert.Single(await vm.Qmp.QueryCpusFastAsync(ct: Ct));
        Assert.Empty(await vm.Qmp.QueryMemoryDevicesAsync(ct: Ct));

        // Unplugging as kata (and this product under KVM) does; the unplugs come last because under TCG no hot-add may follow one.
        var resizer = new VmResizer(vm.Qmp, agent, bounds, h, staticSizing: false, unplugVcpus: true, Warn);
        await resizer.ApplyAsync("ctr", Resources(200_000, 100_000, 256 * MiB), Ct);

        Assert.Equal((3u, 768ul), (resizer.Vcpus, resizer.MemoryMiB));
        Assert.Equal(3, (await vm.Qmp.QueryCpusFastAsync(ct: Ct)).Count);
        MemoryDeviceInfo dimm = Assert.Single(await vm.Qmp.QueryMemoryDevicesAsync(ct: Ct));
        Assert.Equal(("dimm", "hotdimm0", (ulong)(256 * MiB)), (dimm.Type, dimm.Data.Id, dimm.Data.Size));
        (int grownCpus, long grownMemTotal) = await ProbeAsync(vm, agent, "probe1");
        Assert.Equal(3, grownCpus);
        Assert.Equal(256 * 1024, grownMemTotal - memTotal);

        await resizer.ApplyAsync("ctr", Resources(200_000, 100_000, 256 * MiB), Ct);
        Assert.Equal(3, (await vm.Qmp.QueryCpusFastAsync(ct: Ct)).Count);
        Assert.Single(await vm.Qmp.QueryMemoryDevicesAsync(ct: Ct));
        Assert.Empty(warnings);
        Assert.Contains(reports, r => r.Contains("hotplugged the VM to 3 vCPUs", StringComparison.Ordinal) && r.Contains("query-cpus-fast: 3 vCPUs", StringComparison.Ordinal));

        await resizer.ApplyAsync("greedy", Resources(800_000, 100_000, 128 * MiB), Ct);
        Assert.Equal((4u, 896ul), (resizer.Vcpus, resizer.MemoryMiB));
        Assert.Equal(4, (await vm.Qmp.QueryCpusFastAsync(ct: Ct)).Count);
        Assert.Equal(2, (await vm.Qmp.QueryMemoryDevicesAsync(ct: Ct)).Count);
        Assert.Contains(warnings, w => w.Contains("container greedy") && w.Contains("default_maxvcpus = 4"));

        await resizer.RemoveAsync("greedy", Ct);
        await resizer.RemoveAsync("greedy", Ct);
        Assert.Equal((3u, 896ul), (resizer.Vcpus, resizer.MemoryMiB));
        await resizer.ApplyAsync("ctr", new LinuxResources { CPU = new LinuxCPU { Quota = 100_000 } }, Ct);
        Assert.Equal((2u, 896ul), (resizer.Vcpus, resizer.MemoryMiB));
        Assert.Equal(2, (await vm.Qmp.QueryCpusFastAsync(ct: Ct)).Count);
        Assert.Equal(2, (await vm.Qmp.QueryMemoryDevicesAsync(ct: Ct)).Count);
        (int shrunkCpus, long shrunkMemTotal) = await ProbeAsync(vm, agent, "probe2");
        Assert.Equal((2, 384L * 1024), (shrunkCpus, shrunkMemTotal - memTotal));
    }

    private static LinuxResources Resources(long quota, ulong period, long memory) => new()
    {
        CPU = new LinuxCPU { Quota = quota, Period = period },
        Memory = new LinuxMemory { Limit = memory },
    };

    /// <summary>Runs `nproc` and reads MemTotal (kB) in a fresh container, as a workload would see them.</summary>
    private static async Task<(int Cpus, long MemTotalKb)> ProbeAsync(SandboxVm vm, AgentClient agent, string id)
    {
        string rootfs = Path.Combine(vm.Facts.Paths.SharedDirectory, id, "rootfs");
        foreach (string directory in (string[])["bin", "proc", "dev", "tmp"])
        {
            Directory.CreateDirectory(Path.Combine(rootfs, directory));
        }

        File.Copy(Path.Combine(Repo.Guest("x64"), "busybox"), Path.Combine(rootfs, "bin", "busybox"));
        var spec = new Spec
        {
            Version = "1.0.2",
            Process = new Process
            {
                Args = { "/bin/busybox", "sh", "-c", "busybox nproc; busybox awk '/^MemTotal:/ { print $2 }' /proc/meminfo" },
                Env = { "PATH=/bin" },
                Cwd = "/",
                User = new User(),
            },
            Root = new Root { Path = $"{SandboxShare.GuestDirectory}/{id}/rootfs" },
            Mounts = { new Mount { Destination = "/proc", Type = "proc", Source = "proc" } },
        };
        await agent.CreateContainerAsync(new CreateContainerRequest { ContainerId = id, ExecId = id, OCI = spec }, Ct);
        await agent.StartContainerAsync(id, Ct);
        var output = new System.Text.StringBuilder();
        try
        {
            while (true)
            {
                output.Append((await agent.ReadStdoutAsync(id, id, 4096, Ct)).ToStringUtf8());
            }
        }
        catch (TtrpcException e) when (e.Message.Contains("eof", StringComparison.Ordinal))
        {
        }

        Assert.Equal(0, await agent.WaitProcessAsync(id, id, Ct));
        await agent.RemoveContainerAsync(id, TimeSpan.Zero, Ct);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(lines[0]), long.Parse(lines[1]));
    }
}
