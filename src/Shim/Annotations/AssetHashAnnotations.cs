using AotShim.Shim.Config;
using AotShim.Shim.Hashing;

namespace AotShim.Shim.Annotations;

/// <summary>
/// hypervisor.*_hash: the SHA-512 an asset must have. Checked after every path annotation applied, against the
/// file the sandbox will really use.
/// </summary>
internal static class AssetHashAnnotations
{
    public const string HashType = "asset_hash_type";

    private static readonly Dictionary<string, (string Key, Func<QemuConfig, string> Asset)> Assets = new()
    {
        ["hypervisor_hash"] = ("path", h => h.Path),
        ["kernel_hash"] = ("kernel", h => h.Kernel),
        ["image_hash"] = ("image", h => h.Image),
        ["initrd_hash"] = ("initrd", h => h.Initrd),
        ["firmware_hash"] = ("firmware", h => h.Firmware),
        ["jailer_hash"] = ("jailer_path", h => h.JailerPath),
    };

    public static bool Handles(string name) => name == HashType || Assets.ContainsKey(name);

    public static void Verify(QemuConfig hypervisor, string name, AnnotationValue value)
    {
        if (name == HashType)
        {
            value.OneOf(["sha512"]);
            return;
        }

        var (key, asset) = Assets[name];
        string path = asset(hypervisor);
        if (value.Raw.Length != 128 || !value.Raw.All(char.IsAsciiHexDigit))
        {
            throw value.Refuse("expected a SHA-512 digest of 128 hex digits");
        }

        if (path.Length == 0 || !File.Exists(path))
        {
            throw value.Refuse($"the {key} asset \"{path}\" does not exist");
        }

        using FileStream stream = File.OpenRead(path);
        Span<byte> digest = stackalloc byte[Sha512.HashSizeInBytes];
        Sha512.HashData(stream, digest);
        string actual = Convert.ToHexStringLower(digest);
        if (!actual.Equals(value.Raw, StringComparison.OrdinalIgnoreCase))
        {
            throw value.Refuse($"{path} has SHA-512 {actual}");
        }
    }
}
