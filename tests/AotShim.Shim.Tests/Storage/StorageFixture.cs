using AotShim.Native;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Sandbox;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Tests.Storage;

/// <summary>
/// A sandbox share, a bundle and host volume sources under one unique temp directory; disposing removes the share and
/// then asserts nothing is still mounted below the directory before deleting it.
/// </summary>
internal sealed class StorageFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public StorageFixture()
    {
        Share = SandboxShare.Create(Path.Combine(_temp.Path, "share"));
        Directory.CreateDirectory(Path.Combine(Bundle, "rootfs"));
        Directory.CreateDirectory(Lower);
        File.WriteAllText(Path.Combine(Lower, "in-rootfs"), "rootfs");
    }

    public string Root => _temp.Path;

    public SandboxShare Share { get; }

    public string Bundle => Path.Combine(_temp.Path, "bundle");

    /// <summary>What containerd's single rootfs bind mount names.</summary>
    public string Lower => Path.Combine(_temp.Path, "lower");

    public SandboxStorage Sandbox(VolumeSettings? settings = null, BlockHotplug? blocks = null) =>
        new(Share, settings ?? new VolumeSettings("sandbox"), blocks);

    public ContainerRequest Request(string id) => new(id, Bundle, [new RootfsMount("bind", Lower, ["rbind"])], new ProcessStdio("", "", "", false));

    /// <summary>A directory (or with <paramref name="file"/> a file) on the host holding "host".</summary>
    public string Source(string relative, bool file = false)
    {
        string path = Path.Combine(_temp.Path, "volumes", relative);
        if (file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "host");
        }
        else
        {
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "from-host"), "host");
        }

        return path;
    }

    public static Spec Spec(params Mount[] mounts)
    {
        var spec = new Spec { Root = new Root { Path = "rootfs" } };
        spec.Mounts.Add(mounts);
        return spec;
    }

    public static Mount Bind(string destination, string source, params string[] extra) =>
        new() { Destination = destination, Source = source, Type = "bind", Options = { "rbind", "rprivate", extra } };

    /// <summary>Mounts below the temp directory besides the share's own two (mounts/ and its read-only view shared/).</summary>
    public IReadOnlyList<string> Leftovers() =>
        [.. Mounts.Under(_temp.Path).Where(m => m != Share.MountsDirectory && m != Share.SharedDirectory)];

    /// <summary>The host path in the share behind a guest path below the shared directory.</summary>
    public string InShared(string guestPath) =>
        Path.Combine(Share.SharedDirectory, Path.GetRelativePath(SandboxShare.GuestDirectory, guestPath));

    public void Dispose()
    {
        SandboxShare.Remove(Share.Root);
        try
        {
            Assert.Empty(Mounts.Under(_temp.Path));
        }
        finally
        {
            foreach (string mountPoint in Mounts.Under(_temp.Path).OrderByDescending(m => m.Length))
            {
                Mounts.UnmountAll(mountPoint);
            }

            _temp.Dispose();
        }
    }
}
