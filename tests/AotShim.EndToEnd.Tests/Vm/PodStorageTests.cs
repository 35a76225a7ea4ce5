using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>A container's volumes in the VM: host binds through the share (read-write and read-only) and a block device hot-plugged for the guest to mount.</summary>
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

    [Fact]
    public async Task ABlockDeviceVolume_IsHotpluggedAndTheGuestMountsIt()
    {
        string id = NewId("block");
        using LoopDevice loop = LoopDevice.Attach(Path.Combine(Config.Path, "disk.img"), 64L << 20);
        HostTool.Run("mkfs.ext4", "-q", loop.Path);

        CommandResult run = await Ctr.RunContainerAsync(new CtrRun(Image, id, ["/bin/sh", "-c", "echo written in the guest > /data/hello; grep ' /data ' /proc/mounts"])
        {
            Remove = true,
            ExtraArgs = ["--mount", $"type=ext4,src={loop.Path},dst=/data,options=rw"],
        }, TestContext.Current.CancellationToken);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains(" /data ext4 ", run.Stdout);
        Assert.Equal("written in the guest\n", HostTool.Run("debugfs", "-R", "cat /hello", loop.Path));
        await AssertNothingLeftAsync(id);
    }
}
