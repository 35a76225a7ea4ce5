namespace AotShim.Qmp.Tests;

/// <summary>
/// What device_del does when the guest never ran (-S): measured facts the shim's teardown relies on.
/// Unplug with a booted guest is covered by the guest tests, not here.
/// </summary>
public sealed class QemuUnplugWithoutGuestTests
{
    private static readonly TimeSpan NoGuestWait = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Virtio_blk_under_q35_acpi_hotplug_never_completes_and_the_wait_times_out_cleanly()
    {
        using var dir = new TempDirectory();
        string image = await ImageAsync(dir);
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();
        await qmp.HotplugBlockDeviceAsync(new RawFileBlockdev("d0", image), new VirtioBlkDevice("blk0", "d0") { Bus = "rp0" }, ct: Ct);

        var e = await Assert.ThrowsAsync<TimeoutException>(async () => await qmp.UnplugBlockDeviceAsync("blk0", "d0", NoGuestWait, Ct));

        Assert.Equal("QMP event DEVICE_DELETED for device 'blk0' did not arrive within 2 s", e.Message);
        var again = await Assert.ThrowsAsync<QmpException>(async () => await qmp.DeviceDelAsync("blk0", NoGuestWait, Ct));
        Assert.Equal("Device blk0 is already in the process of unplug", again.Description);
        var inUse = await Assert.ThrowsAsync<QmpException>(async () => await qmp.BlockdevDelAsync("d0", ct: Ct));
        Assert.Equal("Node d0 is in use", inUse.Description);
        Assert.Equal("prelaunch", (await qmp.QueryStatusAsync(ct: Ct)).Status);
    }

    [Fact]
    public async Task Virtio_blk_under_native_pcie_hotplug_is_removed_at_once()
    {
        using var dir = new TempDirectory();
        string image = await ImageAsync(dir);
        await using var vm = QemuVm.StartX86(dir, "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off");
        await using QmpClient qmp = await vm.ConnectAsync();
        await qmp.HotplugBlockDeviceAsync(new RawFileBlockdev("d0", image), new VirtioBlkDevice("blk0", "d0") { Bus = "rp0" }, ct: Ct);

        await qmp.UnplugBlockDeviceAsync("blk0", "d0", NoGuestWait, Ct);

        Assert.DoesNotContain(await qmp.ExecuteAsync("query-named-block-nodes", TestJsonContext.Default.BlockNodeArray, ct: Ct), n => n.NodeName == "d0");
    }

    [Fact]
    public async Task Cpu_unplug_is_refused_at_once_while_the_guest_has_not_enabled_cpu_hotplug()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();
        await qmp.HotplugCpuAsync("cpu1", ct: Ct);

        var e = await Assert.ThrowsAsync<QmpException>(async () => await qmp.UnplugCpuAsync("cpu1", NoGuestWait, Ct));

        Assert.Equal("device_del", e.Command);
        Assert.Contains("device unplug request for not supported device type", e.Description);
        Assert.Equal(2, (await qmp.QueryCpusFastAsync(ct: Ct)).Count);
    }

    [Fact]
    public async Task Dimm_unplug_never_completes_and_the_wait_times_out_cleanly()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();
        await qmp.HotplugMemoryAsync(new MemoryBackend("mem1", 128UL << 20), new PcDimmDevice("dimm1", "mem1"), ct: Ct);

        var e = await Assert.ThrowsAsync<TimeoutException>(async () => await qmp.UnplugMemoryAsync("dimm1", "mem1", NoGuestWait, Ct));

        Assert.Contains("DEVICE_DELETED for device 'dimm1'", e.Message);
        Assert.Single(await qmp.QueryMemoryDevicesAsync(ct: Ct));
    }

    [Fact]
    public async Task Virtio_blk_on_arm64_virt_is_removed_at_once()
    {
        using var dir = new TempDirectory();
        string image = await ImageAsync(dir);
        await using var vm = QemuVm.StartArm64(dir);
        await using QmpClient qmp = await vm.ConnectAsync();
        await qmp.HotplugBlockDeviceAsync(new RawFileBlockdev("d0", image), new VirtioBlkDevice("blk0", "d0") { Bus = "rp0" }, ct: Ct);

        await qmp.UnplugBlockDeviceAsync("blk0", "d0", NoGuestWait, Ct);

        Assert.DoesNotContain(await qmp.ExecuteAsync("query-named-block-nodes", TestJsonContext.Default.BlockNodeArray, ct: Ct), n => n.NodeName == "d0");
    }

    private static async Task<string> ImageAsync(TempDirectory dir)
    {
        string image = Path.Combine(dir.Path, "disk.img");
        await File.WriteAllBytesAsync(image, new byte[1 << 16], Ct);
        return image;
    }
}
