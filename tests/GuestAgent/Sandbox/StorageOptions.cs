using System.Globalization;
using AotShim.GuestAgent.Launch;

namespace AotShim.GuestAgent.Sandbox;

/// <summary>
/// A Storage's options: kata's fsgid=GID (the volume's group) is never mount data; mode=OCTAL is the directory's mode
/// for a "local" storage (for a tmpfs it stays mount data, which tmpfs understands); the rest are mount options.
/// </summary>
internal sealed record StorageOptions(MountOptions Mount, int? FsGroup, UnixFileMode? Mode)
{
    private const string FsGroupOption = "fsgid=";
    private const string ModeOption = "mode=";

    public static StorageOptions Parse(IEnumerable<string> options)
    {
        string[] all = [.. options.SelectMany(o => o.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
        string? fsGroup = all.LastOrDefault(o => o.StartsWith(FsGroupOption, StringComparison.Ordinal));
        string? mode = all.LastOrDefault(o => o.StartsWith(ModeOption, StringComparison.Ordinal));
        return new StorageOptions(
            MountOptions.Parse(all.Where(o => !o.StartsWith(FsGroupOption, StringComparison.Ordinal))),
            fsGroup is null ? null : int.Parse(fsGroup[FsGroupOption.Length..], CultureInfo.InvariantCulture),
            mode is null ? null : (UnixFileMode)Convert.ToInt32(mode[ModeOption.Length..], 8));
    }
}
