using AotShim.Native;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Tests.Storage;

public sealed class MountOptionsTests
{
    [Fact]
    public void Overlay_options_from_containerd_are_all_filesystem_data()
    {
        MountOptions options = MountOptions.Parse(["index=off", "workdir=/w", "upperdir=/u", "lowerdir=/l1:/l2"]);

        Assert.Equal((MountFlags.None, "index=off,workdir=/w,upperdir=/u,lowerdir=/l1:/l2"), (options.Flags, options.Data));
    }

    [Fact]
    public void Flags_are_applied_in_order_so_a_later_rw_undoes_ro()
    {
        Assert.Equal(MountFlags.Bind | MountFlags.Recursive | MountFlags.NoSuid, MountOptions.Parse(["rbind", "ro", "nosuid", "rw"]).Flags);
        Assert.True(MountOptions.Parse(["bind"]).IsBind);
    }
}
