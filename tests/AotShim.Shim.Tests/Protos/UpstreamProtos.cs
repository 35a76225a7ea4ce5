using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Google.Protobuf.Reflection;

namespace AotShim.Shim.Tests.Protos;

/// <summary>
/// containerd's and ttrpc's own definitions as Debian ships them, compiled at test time with the protoc of the
/// Grpc.Tools package the build uses; never a copy in this repository.
/// </summary>
internal static partial class UpstreamProtos
{
    public const string DebianPackages =
        "golang-github-containerd-containerd-dev golang-github-containerd-ttrpc-dev golang-github-containerd-cgroups-dev golang-github-gogo-protobuf-dev golang-github-gogo-googleapis-dev";

    private const string GoSource = "/usr/share/gocode/src";
    private const string Containerd = "github.com/containerd/containerd/";
    private static readonly TimeSpan ProtocTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Every file the shim's protos mirror, with their imports.</summary>
    public static async Task<IReadOnlyList<FileDescriptorProto>> CompileAsync(CancellationToken ct)
    {
        string gogo = Require(Path.Combine(GoSource, "github.com/gogo/protobuf"));
        string googleapis = Require(Path.Combine(GoSource, "github.com/gogo/googleapis"));
        (string protoc, string wellKnown) = Protoc();
        using var output = new TempDirectory();

        // runtimeoptions imports gogo.proto by its long path and the others by the short one: protoc would see two
        // files defining the same extensions, so it gets a run of its own.
        FileDescriptorSet containerd = await RunAsync(protoc, output.Path, "containerd.pb", ct,
            ["-I", GoSource, "-I", gogo, "-I", googleapis, "-I", wellKnown],
            [Containerd + "runtime/v2/task/shim.proto", Containerd + "api/events/task.proto",
                Containerd + "api/services/ttrpc/events/v1/events.proto", "google/rpc/status.proto",
                "github.com/containerd/cgroups/stats/v1/metrics.proto"]);
        FileDescriptorSet runtimeOptions = await RunAsync(protoc, output.Path, "runtimeoptions.pb", ct,
            ["-I", GoSource, "-I", wellKnown],
            [Containerd + "pkg/runtimeoptions/v1/api.proto"]);
        return [.. containerd.File, .. runtimeOptions.File];
    }

    /// <summary>
    /// ttrpc's Request, Response and KeyValue: Debian's ttrpc 1.1 declares them in Go (types.go) with protobuf
    /// struct tags, not in a .proto, so the tags are the reference: message → field name → (Go type, tag).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, GoField>> TtrpcTypes()
    {
        string source = File.ReadAllText(Require(Path.Combine(GoSource, "github.com/containerd/ttrpc/types.go")));
        if (!source.Contains("spb \"google.golang.org/genproto/googleapis/rpc/status\""))
        {
            throw new InvalidOperationException("ttrpc types.go no longer takes its Status from google.golang.org/genproto/googleapis/rpc/status");
        }

        var types = new Dictionary<string, IReadOnlyDictionary<string, GoField>>();
        foreach (Match type in GoStruct().Matches(source))
        {
            types[type.Groups["name"].Value] = GoTaggedField().Matches(type.Groups["body"].Value).ToDictionary(
                field => field.Groups["proto"].Value,
                field => new GoField(field.Groups["type"].Value, field.Groups["wire"].Value, int.Parse(field.Groups["number"].Value), field.Groups["label"].Value));
        }

        return types;
    }

    private static async Task<FileDescriptorSet> RunAsync(string protoc, string directory, string name, CancellationToken ct, string[] includes, string[] files)
    {
        string output = Path.Combine(directory, name);
        var start = new ProcessStartInfo(protoc) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in (string[])[.. includes, "--include_imports", "--descriptor_set_out=" + output, .. files.Select(Require)])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = StartProtoc(start);
        Task<string> errors = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).WaitAsync(ProtocTimeout, ct);
        return process.ExitCode == 0
            ? FileDescriptorSet.Parser.ParseFrom(await File.ReadAllBytesAsync(output, ct))
            : throw new InvalidOperationException($"protoc failed ({process.ExitCode}) on {string.Join(' ', files)}: {await errors}");
    }

    private static Process StartProtoc(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run {start.FileName}: {e.Message} (building src/Shim marks Grpc.Tools' protoc executable)", e);
        }
    }

    /// <summary>An include-relative file resolved against the include roots, or the absolute path itself.</summary>
    private static string Require(string path)
    {
        string[] roots = [GoSource, Path.Combine(GoSource, "github.com/gogo/googleapis")];
        string? found = Path.IsPathRooted(path) ? (Path.Exists(path) ? path : null) : roots.Select(root => Path.Combine(root, path)).FirstOrDefault(Path.Exists);
        return found is null
            ? throw new InvalidOperationException($"upstream proto input '{path}' is missing: install the Debian packages {DebianPackages} (./build.sh test installs them)")
            : path;
    }

    /// <summary>protoc and its well-known .proto files from the Grpc.Tools package pinned in Directory.Packages.props.</summary>
    private static (string Protoc, string WellKnown) Protoc()
    {
        string version = XDocument.Load(Path.Combine(Repo.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == "Grpc.Tools").Attribute("Version")!.Value.Trim('[', ']');
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string tools = Path.Combine(packages, "grpc.tools", version);
        string platform = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux_arm64" : "linux_x64";
        string protoc = Path.Combine(tools, "tools", platform, "protoc");
        if (!File.Exists(protoc))
        {
            throw new InvalidOperationException($"protoc from Grpc.Tools {version} not found at {protoc}: build src/Shim first (it restores Grpc.Tools)");
        }

        return (protoc, Path.Combine(tools, "build", "native", "include"));
    }

    [GeneratedRegex(@"type (?<name>\w+) struct \{(?<body>.*?)\n\}", RegexOptions.Singleline)]
    private static partial Regex GoStruct();

    [GeneratedRegex("""^\s*\w+\s+(?<type>\S+)\s+`protobuf:"(?<wire>\w+),(?<number>\d+),(?<label>opt|rep),name=(?<proto>\w+)""", RegexOptions.Multiline)]
    private static partial Regex GoTaggedField();
}

/// <summary>One Go struct field with its protobuf tag, e.g. TimeoutNano int64 `protobuf:"varint,4,opt,name=timeout_nano,proto3"`.</summary>
internal sealed record GoField(string GoType, string Wire, int Number, string Label);
