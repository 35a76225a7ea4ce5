using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>
/// A container's volumes in the VM: host binds through the share (read-write and read-only) and a block device
/// hot-plugged for the guest to mount, on a q35 pci-bridge or, with pcie_root_port, on a root port (q35 and arm64 virt).
/// </summary>
public sealed class PodStorageTests : VmContainerdTests
{
    [Fact]
    public async Task BindVolumes_ReachTheGuestReadWriteAndReadOnly()
    {
        string id = NewId("binds");
        string rw = Directory.CreateDirectory(Path.Combine(Config.Path, "rw")).FullName;
        string ro = Directory.CreateDirectory(Path.Combine(Config.Path, "ro")).FullName;
        File.WriteAllText(Path.Combine(ro, "given"), "from the host\n");

        CommandResult run = await Ctr.RunContainerAsync(new CtrRun(Image, id, ["/bin/sh", "-c", "cat /ro/given; echo from the guest > /rw/out; if echo x > /ro/no; then echo ro-written; else echo ro-refused; fi"])
        {
            Remove = true,
            ExtraArgs = ["--mount", $"type=bind,src={rw},dst=/rw,options=rbind:rw", "--mount", $"type=bind,src={ro},dst=/ro,options=rbind:ro"],
        }, TestContext.Current.CancellationToken);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("from the host\nro-refused\n", run.Stdout);
        Assert.Equal("from the guest\n", File.ReadAllText(Path.Combine(rw, "out")));
        Assert.False(File.Exists(Path.Combine(ro, "no")));
        await AssertNothingLeftAsync(id);
    }

    private const string BridgeSlot1 = @"/0000:00:02\.0/0000:[0-9a-f]{2}:01\.0/virtio\d+/block/vd";
    private const string RootPort0 = @"/0000:00:03\.0/0000:[0-9a-f]{2}:00\.0/virtio\d+/block/vd";

    [Fact]
    public async Task ABlockDeviceVolume_IsHotpluggedAndTheGuestMountsIt()
    {
        string id = NewId("block");
        await AssertBlockVolumeAsync(id, new CtrRun(Image, id, []), BridgeSlot1);
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task ABlockDeviceVolume_WithPcieRootPorts_IsHotpluggedOnARootPort(string arch)
    {
        string id = NewId("rootport-" + arch);
        string config = VmTestConfig.Write(Config.Path, arch, name: "rootport-" + arch, hypervisorKeys: "pcie_root_port = 2");
        CtrRun run = arch == "x64"
            ? new CtrRun(Image, id, []) { RuntimeConfigPath = config }
            : new CtrRun(BusyboxRootfs(Repo.Guest("arm64"), id), id, []) { RuntimeConfigPath = config, ExtraArgs = ["--rootfs"], Timeout = TimeSpan.FromMinutes(3) };

        await AssertBlockVolumeAsync(id, run, RootPort0);
    }

    /// <summary>
    /// An ext4 loop device as the container's /data: the guest mounts it, the write lands on the host's disk, and the
    /// guest's sysfs has the disk at <paramref name="pciPath"/> (default_bridges = 1 puts pci-bridge-0 at slot 2).
    /// </summary>
    private async Task AssertBlockVolumeAsync(string id, CtrRun run, string pciPath)
    {
        using LoopDevice loop = LoopDevice.Attach(Path.Combine(Config.Path, id + ".img"), 64L << 20);
        HostTool.Run("mkfs.ext4", "-q", loop.Path);

        CommandResult result = await Ctr.RunContainerAsync(run with
        {
            Command = ["/bin/sh", "-c", "echo written in the guest > /data/hello; grep ' /data ' /proc/mounts; readlink -f /sys/block/vd*"],
            Remove = true,
            ExtraArgs = [.. run.ExtraArgs, "--mount", $"type=ext4,src={loop.Path},dst=/data,options=rw"],
        }, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains(" /data ext4 ", result.Stdout);
        Assert.Equal("written in the guest\n", HostTool.Run("debugfs", "-R", "cat /hello", loop.Path));
        Assert.Matches(pciPath, result.Stdout);
        await AssertNothingLeftAsync(id);
    }

    /// <summary>A busybox directory of the guest's architecture for `ctr run --rootfs`.</summary>
    private string BusyboxRootfs(string guest, string id)
    {
        string rootfs = Path.Combine(Config.Path, id + "-rootfs");
        foreach (string directory in new[] { "bin", "proc", "sys", "dev", "tmp", "etc", "data" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, directory));
        }

        File.Copy(Path.Combine(guest, "busybox"), Path.Combine(rootfs, "bin", "busybox"));
        foreach (string tool in new[] { "sh", "grep", "readlink" })
        {
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", tool), "busybox");
        }

        return rootfs;
    }
}
