namespace AotShim.Qmp.Tests;

/// <summary>Against a real qemu-system-aarch64 virt machine (TCG, GICv3, -S).</summary>
public sealed class QemuArm64Tests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cpu_hotplug_on_virt_is_not_supported_and_says_so_instead_of_waiting()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartArm64(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        var e = await Assert.ThrowsAsync<QmpNotSupportedException>(async () => await qmp.HotplugCpuAsync("cpu1", ct: Ct));

        Assert.Equal("CPU hotplug", e.Operation);
        Assert.Equal("virt-7.2", e.Machine);
        Assert.Equal("CPU hotplug is not supported by machine 'virt-7.2': The feature 'query-hotpluggable-cpus' is not enabled", e.Message);
        Assert.Single(await qmp.QueryCpusFastAsync(ct: Ct));
    }

    [Fact]
    public async Task Dimm_hotplug_without_acpi_ged_is_not_supported_and_the_backend_is_removed()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartArm64(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        var e = await Assert.ThrowsAsync<QmpNotSupportedException>(async () =>
            await qmp.HotplugMemoryAsync(new MemoryBackend("mem1", 128UL << 20), new PcDimmDevice("dimm1", "mem1"), ct: Ct));

        Assert.Equal("memory hotplug", e.Operation);
        Assert.Equal("virt-7.2", e.Machine);
        Assert.Contains("missing acpi-ged device", e.Message);
        await qmp.ObjectAddAsync(new MemoryBackend("mem1", 128UL << 20), ct: Ct);
    }

    [Fact]
    public async Task Negotiates_and_quits_like_x86()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartArm64(dir);
        await using QmpClient qmp = await vm.ConnectAsync();

        Assert.Equal(new QmpStatus("prelaunch", false), await qmp.QueryStatusAsync(ct: Ct));
        Assert.Equal("aarch64", Assert.Single(await qmp.QueryCpusFastAsync(ct: Ct)).Target);
        await qmp.QuitAsync(ct: Ct);
        await vm.Process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }
}
