using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>The harness on its own: a private containerd cleans up after anything, the image is well-formed.</summary>
public sealed class PrivateContainerdTests
{
    private static void RequireContainerd()
    {
        Assert.True(Environment.IsPrivilegedProcess, "containerd tests need root");
        Assert.True(File.Exists("/usr/bin/containerd") && File.Exists("/usr/bin/ctr") && File.Exists("/usr/bin/containerd-shim-runc-v2"),
            "containerd is missing: apt-get install containerd runc");
        Assert.True(File.Exists(BusyboxImage.Busybox), "apt-get install busybox-static");
    }

    [Fact]
    public async Task Start_PutsEverythingUnderOneShortDirectory()
    {
        RequireContainerd();
        await using PrivateContainerd containerd = await PrivateContainerd.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.StartsWith("/tmp/ecr-ctd-", containerd.Directory);
        foreach (string socket in new[] { containerd.GrpcAddress, containerd.TtrpcAddress, containerd.DebugAddress })
        {
            Assert.True(File.Exists(socket), socket);
            Assert.True(socket.Length < 100, socket);
        }

        Assert.Contains(containerd.Snapshotter, new[] { "overlayfs", "native" });
        string path = File.ReadAllText($"/proc/{containerd.Pid}/environ").Split('\0').Single(v => v.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.StartsWith("PATH=" + containerd.BinDirectory + ":", path);
        CommandResult version = (await containerd.Ctr("io.containerd.runc.v2").RunAsync("version")).EnsureSuccess();
        Assert.Contains("Server:", version.Stdout);
    }

    [Fact]
    public void ShimBinaryName_FollowsContainerdsRule()
    {
        Assert.Equal("containerd-shim-ecr-v2", PrivateContainerd.ShimBinaryName("io.containerd.ecr.v2"));
        Assert.Equal("containerd-shim-runc-v2", PrivateContainerd.ShimBinaryName("io.containerd.runc.v2"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dispose_LeavesNothingBehind_EvenWhenContainerdWasKilled(bool killContainerdFirst)
    {
        RequireContainerd();
        PrivateContainerd containerd = await PrivateContainerd.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        string directory = containerd.Directory;
        string @namespace = containerd.Namespace;
        int containerdPid = containerd.Pid;
        int taskPid;
        try
        {
            Ctr ctr = containerd.Ctr("io.containerd.runc.v2");
            await BusyboxImage.ImportAsync(ctr);
            (await ctr.RunDetachedAsync(BusyboxImage.Name, "abandoned", "/bin/sleep", "1000")).EnsureSuccess();
            taskPid = (await ctr.WaitForStatusAsync("abandoned", "RUNNING")).Pid;
            Assert.NotEmpty(containerd.ShimProcesses());
            Assert.NotEmpty(containerd.Mounts());
            if (killContainerdFirst)
            {
                HostProcesses.Signal(containerdPid, HostProcesses.SIGKILL);
                Assert.True(await HostProcesses.WaitGoneAsync([containerdPid], TimeSpan.FromSeconds(10)));
            }
        }
        finally
        {
            await containerd.DisposeAsync();
        }

        foreach (string note in containerd.CleanupNotes)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(note);
        }

        Assert.False(Directory.Exists(directory), directory + " still exists");
        Assert.Empty(HostProcesses.MountsUnder(directory));
        Assert.False(HostProcesses.IsAlive(containerdPid), "containerd alive");
        Assert.False(HostProcesses.IsAlive(taskPid), "container process alive");
        Assert.Empty(HostProcesses.All().Where(p => !p.IsDead && p.References(directory)).Select(p => p.CommandLine));
        Assert.False(Directory.Exists("/run/containerd/runc/" + @namespace));
        Assert.DoesNotContain(Directory.GetDirectories("/sys/fs/cgroup"), c => Directory.Exists(Path.Combine(c, @namespace)));
        Assert.False(File.Exists(containerd.ShimSocketPath("abandoned")));
    }

    [Fact]
    public async Task BusyboxImage_IsAConsistentOciLayout()
    {
        Assert.True(File.Exists(BusyboxImage.Busybox), "apt-get install busybox-static");
        string tarball = await BusyboxImage.GetTarballAsync();

        var files = new Dictionary<string, byte[]>();
        using (var reader = new TarReader(File.OpenRead(tarball)))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType == TarEntryType.RegularFile)
                {
                    using var data = new MemoryStream();
                    entry.DataStream!.CopyTo(data);
                    files[entry.Name] = data.ToArray();
                }
            }
        }

        byte[] Blob(JsonElement descriptor)
        {
            string digest = descriptor.GetProperty("digest").GetString()!;
            byte[] blob = files["blobs/sha256/" + digest["sha256:".Length..]];
            Assert.Equal(digest, BusyboxImage.Digest(blob));
            Assert.Equal(descriptor.GetProperty("size").GetInt64(), blob.Length);
            return blob;
        }

        Assert.Contains("imageLayoutVersion", System.Text.Encoding.UTF8.GetString(files["oci-layout"]));
        JsonElement index = JsonDocument.Parse(files["index.json"]).RootElement;
        JsonElement manifestDescriptor = index.GetProperty("manifests")[0];
        Assert.Equal(BusyboxImage.Name, manifestDescriptor.GetProperty("annotations").GetProperty("io.containerd.image.name").GetString());
        JsonElement manifest = JsonDocument.Parse(Blob(manifestDescriptor)).RootElement;
        JsonElement config = JsonDocument.Parse(Blob(manifest.GetProperty("config"))).RootElement;
        byte[] layer = Blob(manifest.GetProperty("layers")[0]);
        Assert.Equal(["/bin/sh"], config.GetProperty("config").GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(BusyboxImage.OciArchitecture, config.GetProperty("architecture").GetString());

        using var uncompressed = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(layer), CompressionMode.Decompress))
        {
            gzip.CopyTo(uncompressed);
        }

        Assert.Equal(config.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString(), BusyboxImage.Digest(uncompressed.ToArray()));
        uncompressed.Position = 0;
        var entries = new Dictionary<string, TarEntry>();
        using (var reader = new TarReader(uncompressed))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                entries[entry.Name] = entry;
            }
        }

        Assert.Equal(TarEntryType.RegularFile, entries["bin/busybox"].EntryType);
        foreach (string applet in new[] { "bin/sh", "bin/echo", "bin/sleep", "bin/cat", "bin/ls", "bin/true", "bin/false", "bin/ps", "usr/bin/id", "bin/hostname", "usr/bin/tty" })
        {
            Assert.Equal(TarEntryType.SymbolicLink, entries[applet].EntryType);
            Assert.Equal("/bin/busybox", entries[applet].LinkName);
        }

        Assert.True(entries.ContainsKey("etc/passwd"));
    }
}
