using AotShim.Qmp;
using AotShim.Qmp.Tests;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Sandbox;
using AotShim.Shim.Storage;
using AgentStorage = AotShim.Shim.Agent.Protocol.Storage;

namespace AotShim.Shim.Tests.Storage;

/// <summary>A container's block rootfs and block volumes, plugged into a real QEMU (-S, virtio-scsi: unplug needs no guest).</summary>
public sealed class ContainerBlockStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_block_rootfs_a_device_bind_and_a_marked_image_are_plugged_for_the_guest_and_unplugged_on_release()
    {
        using var fixture = new StorageFixture();
        using LoopDevice rootDisk = LoopDevice.Attach(Path.Combine(fixture.Root, "root.img"), 1 << 20);
        using LoopDevice dataDisk = LoopDevice.Attach(Path.Combine(fixture.Root, "data.img"), 1 << 20);
        string image = SparseImage.Create(Path.Combine(fixture.Root, "volume.img"), 1 << 20);
        using var qemuDirectory = new TempDirectory();
        await using var vm = QemuVm.StartX86(qemuDirectory, "-device", "virtio-scsi-pci,id=scsi0");
        await using QmpClient qmp = await vm.ConnectAsync();
        SandboxStorage sandbox = fixture.Sandbox(blocks: new BlockHotplug(qmp, new BlockHotplugOptions("virtio-scsi")));
        var request = new ContainerRequest("c1", fixture.Bundle, [new RootfsMount("ext4", rootDisk.Path, ["rw", "discard"])], new ProcessStdio("", "", "", false));
        Spec spec = StorageFixture.Spec(
            StorageFixture.Bind("/dev/xvdb", dataDisk.Path),
            new Mount { Destination = "/data", Source = image, Type = "ext4", Options = { "ro", "noatime", "io.katacontainers.fs-opt.block_device=file" } });

        ContainerStorage storage = await ContainerStorage.CreateAsync(sandbox, request, spec, Ct);

        Assert.Equal(
            [
                new AgentStorage { Driver = "scsi", Source = "0:0", Fstype = "ext4", Options = { "rw", "discard" }, MountPoint = "/run/kata-containers/shared/containers/c1" },
                new AgentStorage { Driver = "scsi", Source = "0:1", Fstype = "bind", Options = { "rbind", "rprivate" }, MountPoint = "/run/kata-containers/sandbox/storage/MDox" },
                new AgentStorage { Driver = "scsi", Source = "0:2", Fstype = "ext4", Options = { "ro", "noatime" }, MountPoint = "/run/kata-containers/sandbox/storage/MDoy" },
            ],
            storage.Storages);
        Assert.Equal("/run/kata-containers/shared/containers/c1", spec.Root.Path);
        Assert.True(Directory.Exists(Path.Combine(fixture.Share.SharedDirectory, "c1")));
        Assert.Equal(
            [
                StorageFixture.Bind("/dev/xvdb", "/run/kata-containers/sandbox/storage/MDox"),
                new Mount { Destination = "/data", Source = "/run/kata-containers/sandbox/storage/MDoy", Type = "bind", Options = { "bind", "ro" } },
            ],
            spec.Mounts);
        StorageRecord record = storage.Record;
        Assert.Null(record.BundleRootfs);
        Assert.Equal(["0:0", "0:1", "0:2"], record.Devices.Select(d => d.GuestAddress));

        await storage.ReleaseAsync(Ct);

        Assert.Empty(fixture.Leftovers());
        Assert.Empty(Directory.GetFileSystemEntries(fixture.Share.MountsDirectory));
        foreach (BlockAttachment device in record.Devices)
        {
            var gone = await Assert.ThrowsAsync<QmpException>(async () => await qmp.BlockdevDelAsync(device.NodeName, ct: Ct));
            Assert.Contains("Failed to find node", gone.Description);
        }
    }

    [Fact]
    public async Task A_failure_after_a_plugged_volume_unplugs_it_again()
    {
        using var fixture = new StorageFixture();
        using LoopDevice disk = LoopDevice.Attach(Path.Combine(fixture.Root, "data.img"), 1 << 20);
        using var qemuDirectory = new TempDirectory();
        await using var vm = QemuVm.StartX86(qemuDirectory, "-device", "virtio-scsi-pci,id=scsi0");
        await using QmpClient qmp = await vm.ConnectAsync();
        var blocks = new BlockHotplug(qmp, new BlockHotplugOptions("virtio-scsi"));
        Spec spec = StorageFixture.Spec(StorageFixture.Bind("/dev/xvdb", disk.Path), StorageFixture.Bind("/missing", "/no/such/source"));

        var e = await Assert.ThrowsAsync<VolumeException>(() => ContainerStorage.CreateAsync(fixture.Sandbox(blocks: blocks), fixture.Request("c1"), spec, Ct));

        Assert.StartsWith("container c1: mount /missing (source /no/such/source): ", e.Message);
        Assert.Empty(fixture.Leftovers());
        string other = SparseImage.Create(Path.Combine(fixture.Root, "other.img"), 1 << 20);
        Assert.Equal("0:0", (await blocks.AttachAsync(other, readOnly: false, Ct)).GuestAddress);
    }

    [Fact]
    public async Task Release_after_the_vm_is_gone_still_unbinds_everything_on_the_host()
    {
        using var fixture = new StorageFixture();
        using LoopDevice disk = LoopDevice.Attach(Path.Combine(fixture.Root, "data.img"), 1 << 20);
        using var qemuDirectory = new TempDirectory();
        await using var vm = QemuVm.StartX86(qemuDirectory, "-device", "virtio-scsi-pci,id=scsi0");
        QmpClient qmp = await vm.ConnectAsync();
        Spec spec = StorageFixture.Spec(StorageFixture.Bind("/dev/xvdb", disk.Path), StorageFixture.Bind("/data", fixture.Source("data")));
        ContainerStorage storage = await ContainerStorage.CreateAsync(fixture.Sandbox(blocks: new BlockHotplug(qmp, new BlockHotplugOptions("virtio-scsi"))), fixture.Request("c1"), spec, Ct);
        await qmp.DisposeAsync();

        await storage.ReleaseAsync(Ct);
        await storage.ReleaseAsync(Ct);

        Assert.Empty(fixture.Leftovers());
        Assert.Empty(Directory.GetFileSystemEntries(fixture.Share.MountsDirectory));
    }
}
