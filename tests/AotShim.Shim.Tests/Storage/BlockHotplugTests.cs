using AotShim.Qmp;
using AotShim.Qmp.Tests;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Tests.Storage;

/// <summary>
/// Volumes plugged into a real QEMU that never runs a guest (-S): SCSI unplug completes without one, PCI unplug on q35
/// needs the guest's ACPI handling (the guest tests cover it), so the virtio-blk cases here only plug.
/// </summary>
public sealed class BlockHotplugTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scsi_volume_is_plugged_once_per_image_and_unplugged_with_its_last_user()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir, "-device", "virtio-scsi-pci,id=scsi0");
        await using QmpClient qmp = await vm.ConnectAsync();
        var blocks = new BlockHotplug(qmp, new BlockHotplugOptions("virtio-scsi") { Aio = "io_uring", CacheSet = true, CacheDirect = false, CacheNoFlush = true });
        string first = Image(dir, "first.img"), second = Image(dir, "second.img"), third = Image(dir, "third.img");

        BlockAttachment a = await blocks.AttachAsync(first, readOnly: false, Ct);
        BlockAttachment again = await blocks.AttachAsync(first, readOnly: false, Ct);
        BlockAttachment b = await blocks.AttachAsync(second, readOnly: true, Ct);
        await blocks.DetachAsync(a, Ct);
        BlockAttachment c = await blocks.AttachAsync(third, readOnly: false, Ct);
        await blocks.DetachAsync(again, Ct);
        BlockAttachment reused = await blocks.AttachAsync(second, readOnly: true, Ct);

        Assert.Same(a, again);
        Assert.Same(b, reused);
        Assert.Equal(("scsi", "0:0", "0:1", "0:2"), (a.AgentDriver, a.GuestAddress, b.GuestAddress, c.GuestAddress));
        Assert.Matches("^virtio-drive-[0-9a-f]{16}$", a.DeviceId);
        Assert.Equal("drive-" + a.DeviceId[("virtio-drive-".Length)..], a.NodeName);
        Assert.Equal("/run/kata-containers/sandbox/storage/MDow", a.GuestMountPoint);
        await AssertGoneAsync(qmp, a);
        BlockAttachment next = await blocks.AttachAsync(first, readOnly: false, Ct);
        Assert.Equal("0:0", next.GuestAddress);
    }

    [Fact]
    public async Task A_loop_device_is_plugged_as_a_host_device_and_virtio_blk_takes_bridge_slots_in_turn()
    {
        using var dir = new TempDirectory();
        using LoopDevice loop = LoopDevice.Attach(Path.Combine(dir.Path, "loop.img"), 1 << 20);
        await using var vm = QemuVm.StartX86(dir, "-device", "pci-bridge,bus=pcie.0,id=pci-bridge-0,chassis_nr=1,shpc=off,addr=2");
        await using QmpClient qmp = await vm.ConnectAsync();
        var blocks = new BlockHotplug(qmp, new BlockHotplugOptions("virtio-blk") { PciBuses = [PciHotplugBus.Bridge("pci-bridge-0", 2)] });

        BlockAttachment device = await blocks.AttachAsync(loop.Path, readOnly: false, Ct);
        BlockAttachment image = await blocks.AttachAsync(Image(dir, "disk.img"), readOnly: true, Ct);

        Assert.Equal(("blk", "02/01", "02/02"), (device.AgentDriver, device.GuestAddress, image.GuestAddress));
        Assert.StartsWith("block device 7:", device.Key);
        Assert.Equal("/run/kata-containers/sandbox/storage/MDIvMDE=", device.GuestMountPoint);
    }

    [Fact]
    public async Task A_plug_qemu_refuses_frees_its_address_and_leaves_no_node_holding_the_image()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir, "-device", "virtio-scsi-pci,id=scsi0");
        await using QmpClient qmp = await vm.ConnectAsync();
        var blocks = new BlockHotplug(qmp, new BlockHotplugOptions("virtio-scsi"));
        var wrongBus = new BlockHotplug(qmp, new BlockHotplugOptions("virtio-scsi") { ScsiBus = "no-such-bus.0" });
        string image = Image(dir, "disk.img");

        var directory = await Assert.ThrowsAsync<QmpException>(async () => await blocks.AttachAsync(dir.Path, readOnly: false, Ct));
        var device = await Assert.ThrowsAsync<QmpException>(async () => await wrongBus.AttachAsync(image, readOnly: false, Ct));
        BlockAttachment plugged = await blocks.AttachAsync(image, readOnly: false, Ct);

        Assert.Equal(("blockdev-add", "device_add"), (directory.Command, device.Command));
        Assert.Equal("0:0", plugged.GuestAddress);
    }

    [Fact]
    public async Task Drivers_other_than_virtio_scsi_and_virtio_blk_and_virtio_blk_without_a_bus_are_refused_by_name()
    {
        using var dir = new TempDirectory();
        await using var vm = QemuVm.StartX86(dir);
        await using QmpClient qmp = await vm.ConnectAsync();
        string image = Image(dir, "disk.img");

        var nvdimm = await Assert.ThrowsAsync<NotSupportedException>(async () => await new BlockHotplug(qmp, new BlockHotplugOptions("nvdimm")).AttachAsync(image, false, Ct));
        var noBus = await Assert.ThrowsAsync<InvalidOperationException>(async () => await new BlockHotplug(qmp, new BlockHotplugOptions("virtio-blk")).AttachAsync(image, false, Ct));

        Assert.Equal("block_device_driver = \"nvdimm\": volumes are hot-plugged with \"virtio-scsi\" or \"virtio-blk\" only", nvdimm.Message);
        Assert.Contains("needs a PCI bus", noBus.Message);
    }

    private static string Image(TempDirectory dir, string name) => SparseImage.Create(Path.Combine(dir.Path, name), 1 << 20);

    /// <summary>The node left QEMU: deleting it again finds nothing.</summary>
    private static async Task AssertGoneAsync(QmpClient qmp, BlockAttachment attachment)
    {
        var e = await Assert.ThrowsAsync<QmpException>(async () => await qmp.BlockdevDelAsync(attachment.NodeName, ct: Ct));
        Assert.Contains("Failed to find node", e.Description);
    }
}
