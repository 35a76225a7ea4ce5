using AotShim.Kvm;
using AotShim.Qmp;
using AotShim.Shim.Config;

namespace AotShim.Shim.Tests.Hypervisor;

/// <summary>
/// The builder's argv started by the launcher and driven over QMP against Debian's QEMU under TCG: without a
/// guest (-S) where QEMU alone completes the operation, with the test guest booted where the guest must answer.
/// </summary>
public sealed class QemuSandboxVmTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan GuestBoot = TimeSpan.FromSeconds(90);

    private static Configuration X86(Func<QemuConfig, QemuConfig>? change = null)
    {
        var h = new QemuConfig
        {
            Path = "/usr/bin/qemu-system-x86_64",
            MachineType = "q35",
            Accelerator = "tcg",
            Initrd = "/dev/null",
            Kernel = "/dev/null",
            SharedFs = "none",
            BlockDeviceDriver = "virtio-blk",
            DefaultMemory = 512,
            DefaultMaxMemory = 2048,
            MemorySlots = 4,
            DefaultMaxVcpus = 2,
            PcieRootPort = 2,
            CpuFeatures = "pmu=off",
        };
        return new Configuration { Hypervisor = change is null ? h : change(h) };
    }

    [Fact]
    public async Task Without_a_guest_the_vm_negotiates_hotplugs_and_unplugs_a_disk_and_quits()
    {
        await using SandboxVm vm = await SandboxVm.StartAsync(X86(), HostArchitecture.X64, SandboxVm.WithoutGuest);
        string disk = Path.Combine(vm.Scratch, "disk.img");
        File.WriteAllBytes(disk, new byte[1 << 20]);

        QmpStatus status = await vm.Qmp.QueryStatusAsync(ct: Ct);
        Assert.Equal(("prelaunch", false), (status.Status, status.Running));

        await vm.Qmp.HotplugBlockDeviceAsync(new RawFileBlockdev("node-disk0", disk), new VirtioBlkDevice("disk0", "node-disk0") { Bus = "rp0" }, ct: Ct);
        await vm.Qmp.UnplugBlockDeviceAsync("disk0", "node-disk0", TimeSpan.FromSeconds(20), ct: Ct);

        QmpEvent shutdown = await vm.Qmp.QuitAsync(ct: Ct);
        Assert.Equal("SHUTDOWN", shutdown.Name);
        Assert.Equal(0, await vm.Process.WaitForExitAsync(Ct));
    }

    [Fact]
    public async Task With_the_test_guest_booted_vcpu_dimm_and_disk_go_in_and_out()
    {
        string guest = Repo.Guest("x64");
        Configuration configuration = X86(h => h with
        {
            Kernel = Path.Combine(guest, "vmlinux"),
            Initrd = Path.Combine(guest, "initrd.img"),
            KernelParams = "memhp_default_state=online_movable ignore_loglevel",
        });
        await using SandboxVm vm = await SandboxVm.StartAsync(configuration, HostArchitecture.X64);
        using (QmpEventWaiter agentPort = vm.Qmp.ExpectEvent("VSERPORT_CHANGE", e => e.Data.GetProperty("open").GetBoolean()))
        {
            await agentPort.WaitAsync(GuestBoot, ct: Ct);
        }

        Assert.True((await vm.Qmp.QueryStatusAsync(ct: Ct)).Running);

        // As with the vCPU below, an eject the guest gets before it has handled the insert is lost: wait for its _OST answer.
        using (QmpEventWaiter inserted = vm.Qmp.ExpectAcpiDeviceOst("dimm1"))
        {
            await vm.Qmp.HotplugMemoryAsync(new MemoryBackend("mem1", 128UL << 20), new PcDimmDevice("dimm1", "mem1"), ct: Ct);
            Assert.Equal(0, QmpClient.AcpiOstStatus(await inserted.WaitAsync(TimeSpan.FromSeconds(60), ct: Ct)));
        }

        Assert.Contains(await vm.Qmp.QueryMemoryDevicesAsync(ct: Ct), d => d.Data.Id == "dimm1");
        await vm.Qmp.UnplugMemoryAsync("dimm1", "mem1", TimeSpan.FromSeconds(60), ct: Ct);
        Assert.DoesNotContain(await vm.Qmp.QueryMemoryDevicesAsync(ct: Ct), d => d.Data.Id == "dimm1");

        string disk = Path.Combine(vm.Scratch, "disk.img");
        File.WriteAllBytes(disk, new byte[1 << 20]);
        await vm.Qmp.HotplugBlockDeviceAsync(new RawFileBlockdev("node-disk1", disk), new VirtioBlkDevice("disk1", "node-disk1") { Bus = "rp1" }, ct: Ct);
        await vm.Qmp.UnplugBlockDeviceAsync("disk1", "node-disk1", TimeSpan.FromSeconds(60), ct: Ct);

        // The vCPU goes last: after a vCPU unplug, a pc-dimm hot-add resets this TCG guest (seen with QEMU 7.2 and
        // Debian's 6.1 kernel); in the other order all three complete.
        await vm.Qmp.HotplugCpuAsync("vcpu1", ct: Ct);
        Assert.Equal(2, (await vm.Qmp.QueryCpusFastAsync(ct: Ct)).Count);

        // An eject the guest gets before it has handled the insert is lost, so wait until the kernel says it saw the CPU.
        await WaitForConsoleAsync(vm, "CPU1 has been hot-added", TimeSpan.FromSeconds(60));
        await vm.Qmp.UnplugCpuAsync("vcpu1", TimeSpan.FromSeconds(60), ct: Ct);
        Assert.Single(await vm.Qmp.QueryCpusFastAsync(ct: Ct));

        Assert.Equal("SHUTDOWN", (await vm.Qmp.QuitAsync(ct: Ct)).Name);
        Assert.Equal(0, await vm.Process.WaitForExitAsync(Ct));
    }

    [Fact]
    public async Task Arm64_virt_reports_cpu_hotplug_as_not_supported_instead_of_hanging()
    {
        QemuConfig h = SandboxVm.Arm64VirtWithoutGuest;
        await using SandboxVm vm = await SandboxVm.StartAsync(new Configuration { Hypervisor = h }, HostArchitecture.Arm64, SandboxVm.WithoutGuest);

        var e = await Assert.ThrowsAsync<QmpNotSupportedException>(async () => await vm.Qmp.HotplugCpuAsync("vcpu1", TimeSpan.FromSeconds(10), ct: Ct));

        Assert.Contains("virt", e.Message);
        Assert.Equal("SHUTDOWN", (await vm.Qmp.QuitAsync(ct: Ct)).Name);
    }

    [Fact]
    public async Task The_vm_leaves_nothing_behind()
    {
        string directory;
        int pid;
        await using (SandboxVm vm = await SandboxVm.StartAsync(X86(), HostArchitecture.X64, SandboxVm.WithoutGuest))
        {
            directory = vm.Facts.Paths.Directory;
            pid = vm.Process.Pid;
            Assert.True(File.Exists($"/proc/{pid}/status"));
        }

        Assert.False(Directory.Exists(directory));
        Assert.False(File.Exists($"/proc/{pid}/status") && File.ReadAllText($"/proc/{pid}/cmdline").Contains(directory));
    }

    private static async Task WaitForConsoleAsync(SandboxVm vm, string text, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!(File.Exists(vm.ConsolePath) && (await ReadSharedAsync(vm.ConsolePath)).Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the guest console never said '{text}' within {timeout.TotalSeconds} s");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>The console capture keeps the file open for writing (and locked against plain opens).</summary>
    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(Ct);
    }
}
