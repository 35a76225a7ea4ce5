using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>
/// An OCI image built offline from Debian's busybox-static: one gzip layer with /bin/busybox, a
/// symlink per applet (`busybox --list-full`), /etc/passwd and /etc/group, the usual empty
/// directories; config Env PATH, Cmd ["/bin/sh"]; manifest, index.json (named
/// <see cref="Name"/> by io.containerd.image.name) and oci-layout, as an OCI-layout tarball for
/// `ctr images import`. Built once per machine and busybox version under out/test-cache/, and once
/// per process at most.
/// </summary>
public static class BusyboxImage
{
    public const string Name = "docker.io/library/ecr-busybox:test";

    public const string Busybox = "/bin/busybox";

    /// <summary>Bump when the image layout changes, so cached tarballs are rebuilt.</summary>
    private const int Format = 1;

    private const string SearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<Task<string>> Tarball = new(() => Task.Run(() => BuildCached(CacheDirectory)));

    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("ECR_TEST_CACHE") ?? Path.Combine(FindRepoRoot(), "out", "test-cache");

    /// <summary>The image tarball (built on first use).</summary>
    public static Task<string> GetTarballAsync() => Tarball.Value;

    /// <summary>Imports the image into the client's containerd (and namespace).</summary>
    public static async Task ImportAsync(Ctr ctr) =>
        (await ctr.ImportAsync(await GetTarballAsync())).EnsureSuccess();

    public static string OciArchitecture => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>Builds (or reuses) DIR/ecr-busybox-VERSION-ARCH.oci.tar.</summary>
    public static string BuildCached(string cacheDirectory)
    {
        if (!File.Exists(Busybox))
        {
            throw new FileNotFoundException($"{Busybox} is missing: apt-get install busybox-static", Busybox);
        }

        string version = BusyboxVersion();
        string tarball = Path.Combine(cacheDirectory, $"ecr-busybox-{version}-{OciArchitecture}-f{Format}.oci.tar");
        if (File.Exists(tarball))
        {
            return tarball;
        }

        Directory.CreateDirectory(cacheDirectory);
        string temp = tarball + "." + Environment.ProcessId + ".tmp";
        using (var stream = File.Create(temp))
        {
            Build(stream, version);
        }

        File.Move(temp, tarball, overwrite: true); // atomic: concurrent builders produce the same bytes
        return tarball;
    }

    /// <summary>Writes the OCI-layout tarball.</summary>
    public static void Build(Stream output, string version)
    {
        byte[] layerTar = LayerTar();
        byte[] layer = Gzip(layerTar);
        byte[] config = Json(new JsonObject
        {
            ["created"] = Epoch.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["architecture"] = OciArchitecture,
            ["os"] = "linux",
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray("PATH=" + SearchPath),
                ["Cmd"] = new JsonArray("/bin/sh"),
                ["WorkingDir"] = "/",
            },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(Digest(layerTar)),
            },
            ["history"] = new JsonArray(new JsonObject
            {
                ["created"] = Epoch.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["created_by"] = $"AotShim BusyboxImage from busybox-static {version}",
            }),
        });
        byte[] manifest = Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", config),
            ["layers"] = new JsonArray(Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer)),
        });
        JsonObject manifestDescriptor = Descriptor("application/vnd.oci.image.manifest.v1+json", manifest);
        manifestDescriptor["annotations"] = new JsonObject
        {
            ["io.containerd.image.name"] = Name,
            ["org.opencontainers.image.ref.name"] = Name[(Name.LastIndexOf(':') + 1)..],
        };
        manifestDescriptor["platform"] = new JsonObject { ["architecture"] = OciArchitecture, ["os"] = "linux" };
        byte[] index = Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(manifestDescriptor),
        });

        using var tar = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true);
        AddFile(tar, "oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"), 0b110_100_100);
        AddFile(tar, "index.json", index, 0b110_100_100);
        AddDirectory(tar, "blobs/");
        AddDirectory(tar, "blobs/sha256/");
        foreach (byte[] blob in new[] { layer, config, manifest })
        {
            AddFile(tar, "blobs/sha256/" + Digest(blob)["sha256:".Length..], blob, 0b110_100_100);
        }
    }

    public static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] LayerTar()
    {
        using var memory = new MemoryStream();
        using (var tar = new TarWriter(memory, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (string dir in new[] { "bin", "dev", "etc", "home", "proc", "root", "run", "sbin", "sys", "usr", "usr/bin", "usr/sbin", "var" })
            {
                AddDirectory(tar, dir + "/", dir == "root" ? 0b111_000_000 : 0b111_101_101);
            }

            AddDirectory(tar, "tmp/", 0b111_111_111 | (int)UnixFileMode.StickyBit);
            AddFile(tar, "bin/busybox", File.ReadAllBytes(Busybox), 0b111_101_101);
            AddFile(tar, "etc/passwd", Encoding.UTF8.GetBytes("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"), 0b110_100_100);
            AddFile(tar, "etc/group", Encoding.UTF8.GetBytes("root:x:0:\nnogroup:x:65534:\n"), 0b110_100_100);
            AddFile(tar, "etc/hostname", Encoding.UTF8.GetBytes("busybox\n"), 0b110_100_100);
            var seen = new HashSet<string> { "bin/busybox" };
            foreach (string applet in Applets())
            {
                if (applet.Contains('/') && seen.Add(applet))
                {
                    var link = new UstarTarEntry(TarEntryType.SymbolicLink, applet) { LinkName = "/bin/busybox" };
                    Stamp(link, 0b111_111_111);
                    tar.WriteEntry(link);
                }
            }
        }

        return memory.ToArray();
    }

    // "usr/bin/[", "bin/sh", "sbin/ifconfig", ... (and "linuxrc", skipped: not under a directory).
    private static IEnumerable<string> Applets()
    {
        CommandResult list = Command.RunAsync(Busybox, ["--list-full"], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().EnsureSuccess();
        return list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal);
    }

    private static string BusyboxVersion()
    {
        try
        {
            CommandResult query = Command.RunAsync("dpkg-query", ["-W", "-f=${Version}", "busybox-static"], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            if (query.Succeeded && query.Stdout.Trim().Length > 0)
            {
                return new string(query.Stdout.Trim().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' ? c : '_').ToArray());
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
        }

        // Not a Debian package: key the cache by the binary itself.
        return "sha-" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Busybox)))[..16];
    }

    private static JsonObject Descriptor(string mediaType, byte[] blob) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = Digest(blob),
        ["size"] = blob.Length,
    };

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

    private static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return memory.ToArray();
    }

    private static void AddDirectory(TarWriter tar, string name, int mode = 0b111_101_101)
    {
        var entry = new UstarTarEntry(TarEntryType.Directory, name);
        Stamp(entry, mode);
        tar.WriteEntry(entry);
    }

    private static void AddFile(TarWriter tar, string name, byte[] data, int mode)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };
        Stamp(entry, mode);
        tar.WriteEntry(entry);
    }

    private static void Stamp(PosixTarEntry entry, int mode)
    {
        entry.Mode = (UnixFileMode)mode;
        entry.ModificationTime = Epoch;
        entry.Uid = 0;
        entry.Gid = 0;
        entry.UserName = "root";
        entry.GroupName = "root";
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AotShim.sln")))
            {
                return dir.FullName;
            }
        }

        return Path.GetTempPath();
    }
}
