using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Tests.Storage;

/// <summary>Which spec mounts are plugged as block devices: a real loop device (stat S_ISBLK) and marked image files.</summary>
public sealed class VolumeClassifierTests
{
    private static readonly VolumeSettings Settings = new("sandbox");

    [Fact]
    public void A_bind_of_a_block_device_is_plugged_unless_the_sandbox_cannot_or_disable_block_device_use_says_so()
    {
        using var temp = new TempDirectory();
        using LoopDevice loop = LoopDevice.Attach(Path.Combine(temp.Path, "disk.img"), 1 << 20);
        Mount bind = new() { Destination = "/dev/xvdb", Source = loop.Path, Type = "bind", Options = { "rbind" } };
        Mount typed = new() { Destination = "/data", Source = loop.Path, Type = "ext4" };

        Assert.Equal(VolumeKind.Block, VolumeClassifier.Classify(bind, Settings, canPlug: true));
        Assert.Equal(VolumeKind.Block, VolumeClassifier.Classify(typed, Settings, canPlug: true));
        Assert.Equal(VolumeKind.Guest, VolumeClassifier.Classify(bind, Settings, canPlug: false));
        Assert.Equal(VolumeKind.Guest, VolumeClassifier.Classify(bind, Settings with { DisableBlockDeviceUse = true }, canPlug: true));
    }

    [Fact]
    public void An_image_file_is_plugged_only_when_marked_as_a_block_device()
    {
        using var temp = new TempDirectory();
        string image = temp.File("disk.img", "");
        Mount marked = new() { Destination = "/data", Source = image, Type = "ext4", Options = { "io.katacontainers.fs-opt.block_device=file" } };
        Mount plain = new() { Destination = "/data", Source = image, Type = "bind", Options = { "rbind" } };

        Assert.Equal(VolumeKind.Block, VolumeClassifier.Classify(marked, Settings, canPlug: true));
        Assert.Equal(VolumeKind.Share, VolumeClassifier.Classify(plain, Settings, canPlug: true));
        Assert.Equal(VolumeKind.Guest, VolumeClassifier.Classify(marked, Settings, canPlug: false));
    }

    [Fact]
    public void A_bind_named_by_option_alone_is_a_bind_and_a_missing_source_is_left_for_the_share_to_refuse() =>
        Assert.Equal(
            VolumeKind.Share,
            VolumeClassifier.Classify(new Mount { Destination = "/data", Source = "/no/such/dir", Type = "none", Options = { "bind" } }, Settings, canPlug: true));
}
