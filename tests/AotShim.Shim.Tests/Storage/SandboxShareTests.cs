using AotShim.Native;
using AotShim.Shim.Sandbox;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Tests.Storage;

/// <summary>The share's mounts on the real kernel (root): propagation into shared/, read-only top, clean removal.</summary>
public sealed class SandboxShareTests
{
    [Fact]
    public void A_rootfs_added_later_shows_up_in_shared_and_stays_writable_there_while_shared_itself_is_read_only()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "sandbox");
        string rootfs = Directory.CreateDirectory(Path.Combine(temp.Path, "bundle", "rootfs")).FullName;
        File.WriteAllText(Path.Combine(rootfs, "hello"), "from the rootfs");
        SandboxShare share = SandboxShare.Create(root);
        try
        {
            string guestPath = share.AddRootfs("c1", rootfs);

            Assert.Equal("/run/kata-containers/shared/containers/c1/rootfs", guestPath);
            string seen = Path.Combine(share.SharedDirectory, "c1", "rootfs");
            Assert.Equal("from the rootfs", File.ReadAllText(Path.Combine(seen, "hello")));
            File.WriteAllText(Path.Combine(seen, "written-by-guest"), "ok");
            Assert.True(File.Exists(Path.Combine(rootfs, "written-by-guest")));
            Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(share.SharedDirectory, "top-level"), "no"));

            share.RemoveRootfs("c1");
            Assert.False(Directory.Exists(Path.Combine(share.SharedDirectory, "c1")));
            Assert.True(File.Exists(Path.Combine(rootfs, "hello")), "removing the share's bind must not touch the rootfs");
        }
        finally
        {
            SandboxShare.Remove(root);
        }

        Assert.False(Directory.Exists(root));
        Assert.Empty(Mounts.Under(temp.Path));
    }

    [Fact]
    public void Remove_after_a_crash_unmounts_everything_below_and_deletes_the_tree()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "sandbox");
        string rootfs = Directory.CreateDirectory(Path.Combine(temp.Path, "rootfs")).FullName;
        SandboxShare share = SandboxShare.Create(root);
        share.AddRootfs("c1", rootfs);
        share.AddRootfs("c2", rootfs);

        SandboxShare.Remove(root);

        Assert.Empty(Mounts.Under(temp.Path));
        Assert.False(Directory.Exists(root));
        Assert.True(Directory.Exists(rootfs));
    }

    [Fact]
    public void Remove_of_a_share_that_never_existed_does_nothing() =>
        SandboxShare.Remove(Path.Combine(Path.GetTempPath(), "ecr-no-such-share-" + Guid.NewGuid().ToString("N")));

    [Fact]
    public void A_failing_rootfs_mount_undoes_the_mounts_before_it_and_names_the_call()
    {
        using var temp = new TempDirectory();
        string rootfs = Directory.CreateDirectory(Path.Combine(temp.Path, "rootfs")).FullName;
        string lower = Directory.CreateDirectory(Path.Combine(temp.Path, "lower")).FullName;
        RootfsMount[] mounts =
        [
            new("bind", lower, ["rbind", "ro"]),
            new("no-such-fs", "none", ["rw"]),
        ];

        var e = Assert.Throws<NativeException>(() => RootfsMounter.Mount(mounts, rootfs));

        Assert.Contains($"mount(\"none\", \"{rootfs}\", \"no-such-fs\"", e.Message);
        Assert.Empty(Mounts.Under(temp.Path));
    }

    [Fact]
    public void A_read_only_bind_rootfs_is_mounted_read_only()
    {
        using var temp = new TempDirectory();
        string rootfs = Directory.CreateDirectory(Path.Combine(temp.Path, "rootfs")).FullName;
        string lower = Directory.CreateDirectory(Path.Combine(temp.Path, "lower")).FullName;
        try
        {
            RootfsMounter.Mount([new("bind", lower, ["rbind", "ro"])], rootfs);

            Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(rootfs, "x"), "no"));
        }
        finally
        {
            Mounts.UnmountAll(rootfs);
        }
    }

    [Fact]
    public void Sandbox_bind_mounts_appear_read_only_under_sandbox_mounts_in_shared()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "sandbox");
        string tools = Directory.CreateDirectory(Path.Combine(temp.Path, "host", "tools")).FullName;
        string motd = temp.File("host/motd", "hello");
        SandboxShare share = SandboxShare.Create(root);
        try
        {
            share.AddSandboxBindMounts([tools + "/", motd]);

            string seen = Path.Combine(share.SharedDirectory, "sandbox-mounts");
            Assert.Equal("hello", File.ReadAllText(Path.Combine(seen, "motd")));
            Assert.True(MountTable.IsReadOnly(Path.Combine(seen, "tools")));
            Assert.True(MountTable.IsReadOnly(Path.Combine(seen, "motd")));
            Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(seen, "tools", "x"), "no"));
        }
        finally
        {
            SandboxShare.Remove(root);
        }

        Assert.Empty(Mounts.Under(temp.Path));
    }

    [Fact]
    public void A_missing_or_same_named_sandbox_bind_mount_fails_naming_it_and_leaves_none_of_them()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "sandbox");
        string first = Directory.CreateDirectory(Path.Combine(temp.Path, "a", "data")).FullName;
        string twin = Directory.CreateDirectory(Path.Combine(temp.Path, "b", "data")).FullName;
        string missing = Path.Combine(temp.Path, "missing");
        SandboxShare share = SandboxShare.Create(root);
        try
        {
            var same = Assert.Throws<VolumeException>(() => share.AddSandboxBindMounts([first, twin]));
            var absent = Assert.Throws<VolumeException>(() => share.AddSandboxBindMounts([first, missing]));

            Assert.Equal($"sandbox_bind_mounts: \"{twin}\" has the same name as an earlier entry (sandbox-mounts/data)", same.Message);
            Assert.StartsWith($"sandbox_bind_mounts: \"{missing}\": stat(\"{missing}\")", absent.Message);
            Assert.Equal([share.MountsDirectory, share.SharedDirectory], Mounts.Under(temp.Path));
        }
        finally
        {
            SandboxShare.Remove(root);
        }
    }
}
