using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using AotShim.Kvm;

namespace AotShim.Shim.Cli;

/// <summary>What `ecr-runtime version` reports.</summary>
internal sealed record VersionInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("commit")] string Commit,
    [property: JsonPropertyName("architecture")] string Architecture,
    [property: JsonPropertyName("runtime")] string Runtime)
{
    public const string ProductName = "containerd-shim-ecr-v2";

    public static VersionInfo Current { get; } = Create();

    public override string ToString() => $"{Name} {Version} (commit {Commit}, {Architecture}, {Runtime})";

    private static VersionInfo Create()
    {
        string informational = typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+');
        string version = plus < 0 ? informational : informational[..plus];
        string commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        return new VersionInfo(ProductName, version, commit, HostArchitectures.Current.KernelName(), RuntimeInformation.FrameworkDescription);
    }
}
