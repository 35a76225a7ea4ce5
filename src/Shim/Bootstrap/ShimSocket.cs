using System.Text;
using AotShim.Shim.Hashing;

namespace AotShim.Shim.Bootstrap;

/// <summary>
/// Where a shim listens: containerd's convention, /run/containerd/s/sha256(address/namespace/id), so one
/// containerd, namespace and id always map to the same socket and a second `start` finds the first shim.
/// </summary>
public static class ShimSocket
{
    public const string DefaultDirectory = "/run/containerd/s";

    public static string PathFor(string containerdAddress, string ns, string id, string directory = DefaultDirectory)
    {
        Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
        Sha256.HashData(Encoding.UTF8.GetBytes($"{containerdAddress}/{ns}/{id}"), hash);
        return Path.Combine(directory, Convert.ToHexStringLower(hash));
    }

    /// <summary>The form containerd expects on stdout and in the bundle's address file.</summary>
    public static string Address(string socketPath) => "unix://" + socketPath;
}
