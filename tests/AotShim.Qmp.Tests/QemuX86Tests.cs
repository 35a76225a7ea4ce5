using AotShim.Native;

namespace AotShim.Qmp.Tests;

/// <summary>Against a real qemu-system-x86_64 (q35, TCG, -S: the guest never runs).</summary>
public sealed class QemuX86Tests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Negotiates_and_reports_prelaunch_before_the_guest_starts()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        QmpStatus status = await qmp.QueryStatusAsync(ct: Ct);

        Assert.Equal(new QmpStatus("prelaunch", false), status);
        Assert.Equal(7, qmp.Greeting.Version.Qemu.Major);
        Assert.Contains("oob", qmp.Greeting.Capabilities);
        Assert.Equal("pc-q35-7.2", await qmp.QueryMachineAsync(ct: Ct));
    }

    [Fact]
    public async Task Stop_and_cont_change_the_run_state_with_events()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        using QmpEventWaiter resumed = qmp.ExpectEvent("RESUME");
        await qmp.ContinueAsync(ct: Ct);
        await resumed.WaitAsync(ct: Ct);
        Assert.True((await qmp.QueryStatusAsync(ct: Ct)).Running);
        using QmpEventWaiter stopped = qmp.ExpectEvent("STOP");
        await qmp.StopAsync(ct: Ct);
        await stopped.WaitAsync(ct: Ct);

        Assert.Equal(new QmpStatus("paused", false), await qmp.QueryStatusAsync(ct: Ct));
    }

    [Fact]
    public async Task A_hotplugged_vcpu_shows_up_in_query_cpus_fast()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        HotpluggableCpu slot = await qmp.HotplugCpuAsync("cpu1", ct: Ct);
        IReadOnlyList<CpuInfo> cpus = await qmp.QueryCpusFastAsync(ct: Ct);

        Assert.Equal("qemu64-x86_64-cpu", slot.Type);
        Assert.Equal(2, cpus.Count);
        CpuInfo added = Assert.Single(cpus, cpu => cpu.QomPath == "/machine/peripheral/cpu1");
        Assert.Equal(slot.Props, added.Props);
        Assert.Equal(1, added.CpuIndex);
        Assert.Equal("x86_64", added.Target);
        Assert.Single(await qmp.QueryHotpluggableCpusAsync(ct: Ct), s => s.QomPath == "/machine/peripheral/cpu1");
    }

    [Fact]
    public async Task A_hotplugged_dimm_shows_up_in_query_memory_devices()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        await qmp.HotplugMemoryAsync(new MemoryBackend("mem1", 256UL << 20), new PcDimmDevice("dimm1", "mem1"), ct: Ct);
        MemoryDeviceInfo dimm = Assert.Single(await qmp.QueryMemoryDevicesAsync(ct: Ct));

        Assert.Equal("dimm", dimm.Type);
        Assert.Equal("dimm1", dimm.Data.Id);
        Assert.Equal(256UL << 20, dimm.Data.Size);
        Assert.Equal("/objects/mem1", dimm.Data.Memdev);
        Assert.True(dimm.Data.Hotplugged);
    }

    [Fact]
    public async Task A_virtio_mem_device_on_the_root_port_reports_its_requested_size()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        await qmp.HotplugMemoryAsync(
            new MemoryBackend("vmem-backend", 1UL << 30), new VirtioMemDevice("vmem0", "vmem-backend") { RequestedSize = 0, Bus = "rp0" }, ct: Ct);
        MemoryDeviceInfo device = Assert.Single(await qmp.QueryMemoryDevicesAsync(ct: Ct));

        Assert.Equal("virtio-mem", device.Type);
        Assert.Equal("vmem0", device.Data.Id);
        Assert.Equal(1UL << 30, device.Data.MaxSize);
        Assert.Equal(0UL, device.Data.RequestedSize);
    }

    [Fact]
    public async Task A_file_backed_shared_dimm_is_accepted()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        await qmp.HotplugMemoryAsync(new MemoryBackend("mem1", 128UL << 20) { MemPath = dir.Path, Share = true }, new PcDimmDevice("dimm1", "mem1"), ct: Ct);

        Assert.Equal(128UL << 20, Assert.Single(await qmp.QueryMemoryDevicesAsync(ct: Ct)).Data.Size);
    }

    [Fact]
    public async Task A_raw_file_plugs_in_as_virtio_blk_on_the_root_port()
    {
        using var dir = new TempDirectory();
        string image = Path.Combine(dir.Path, "disk.img");
        await using (FileStream file = File.Create(image))
        {
            file.SetLength(1 << 20);
        }

        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        await qmp.HotplugBlockDeviceAsync(new RawFileBlockdev("d0", image) { ReadOnly = true }, new VirtioBlkDevice("blk0", "d0") { Bus = "rp0" }, ct: Ct);

        Assert.Equal("virtio-blk-pci", await qmp.ExecuteAsync("qom-get", new QomGet("/machine/peripheral/blk0", "type"), TestJsonContext.Default.String, ct: Ct));
        BlockNode node = Assert.Single(await qmp.ExecuteAsync("query-named-block-nodes", TestJsonContext.Default.BlockNodeArray, ct: Ct), n => n.NodeName == "d0");
        Assert.True(node.Ro);
        Assert.Equal(image, node.File);
    }

    [Fact]
    public async Task A_device_on_pcie_0_is_refused_and_its_node_rolled_back()
    {
        using var dir = new TempDirectory();
        string image = Path.Combine(dir.Path, "disk.img");
        await File.WriteAllBytesAsync(image, new byte[4096], Ct);
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        var e = await Assert.ThrowsAsync<QmpException>(async () =>
            await qmp.HotplugBlockDeviceAsync(new RawFileBlockdev("d0", image), new VirtioBlkDevice("blk0", "d0") { Bus = "pcie.0" }, ct: Ct));

        Assert.Equal("device_add", e.Command);
        Assert.DoesNotContain(await qmp.ExecuteAsync("query-named-block-nodes", TestJsonContext.Default.BlockNodeArray, ct: Ct), n => n.NodeName == "d0");
    }

    [Fact]
    public async Task A_descriptor_passed_with_getfd_is_known_to_qemu_by_name()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();
        using FileDescriptor devNull = Files.Open("/dev/null", OpenFlags.ReadWrite);

        await qmp.GetFdAsync("fd0", devNull, ct: Ct);
        await qmp.CloseFdAsync("fd0", ct: Ct);
        var e = await Assert.ThrowsAsync<QmpException>(async () => await qmp.CloseFdAsync("fd0", ct: Ct));

        Assert.Equal("File descriptor named 'fd0' not found", e.Description);
        Assert.False(devNull.IsClosed);
    }

    [Fact]
    public async Task Getfd_without_a_descriptor_is_refused_by_qemu()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        var e = await Assert.ThrowsAsync<QmpException>(async () => await qmp.ExecuteAsync("getfd", new FdName("fd0"), ct: Ct));

        Assert.Equal("getfd", e.Command);
        Assert.Equal("No file descriptor supplied via SCM_RIGHTS", e.Description);
    }

    [Fact]
    public async Task A_missing_vfio_host_device_is_a_QmpException_naming_it()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        var e = await Assert.ThrowsAsync<QmpException>(async () =>
            await qmp.HotplugVfioAsync(new VfioPciDevice("vfio0", "0000:ff:1f.7") { Bus = "rp0" }, ct: Ct));

        Assert.Contains("0000:ff:1f.7", e.Description);
    }

    [Fact]
    public async Task Quit_reports_SHUTDOWN_and_qemu_exits()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        QmpEvent shutdown = await qmp.QuitAsync(ct: Ct);
        await vm.Process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("SHUTDOWN", shutdown.Name);
        Assert.Equal("host-qmp-quit", shutdown.DataString("reason"));
        Assert.Equal(0, vm.Process.ExitCode);
        await qmp.Completion.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        await Assert.ThrowsAsync<QmpConnectionClosedException>(async () => await qmp.QueryStatusAsync(ct: Ct));
    }

    [Fact]
    public async Task Killing_qemu_mid_session_fails_commands_instead_of_hanging()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        vm.Process.Kill();
        await qmp.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        await Assert.ThrowsAsync<QmpConnectionClosedException>(async () => await qmp.QueryStatusAsync(ct: Ct));
    }
}
