using AotShim.GuestAgent.Native;

namespace AotShim.GuestAgent.Launch;

/// <summary>
/// An fstab-style option list split into mount(2) flags and the filesystem's own data string, as mount(8) does:
/// "ro,nodev,trans=virtio" is MS_RDONLY|MS_NODEV with data "trans=virtio".
/// </summary>
internal readonly record struct MountOptions(MsFlags Flags, string? Data)
{
    private static readonly Dictionary<string, (MsFlags Set, MsFlags Clear)> Known = new()
    {
        ["ro"] = (MsFlags.ReadOnly, 0),
        ["rw"] = (0, MsFlags.ReadOnly),
        ["nosuid"] = (MsFlags.NoSuid, 0),
        ["suid"] = (0, MsFlags.NoSuid),
        ["nodev"] = (MsFlags.NoDev, 0),
        ["dev"] = (0, MsFlags.NoDev),
        ["noexec"] = (MsFlags.NoExec, 0),
        ["exec"] = (0, MsFlags.NoExec),
        ["sync"] = (MsFlags.Synchronous, 0),
        ["async"] = (0, MsFlags.Synchronous),
        ["dirsync"] = (MsFlags.DirSync, 0),
        ["mand"] = (MsFlags.Mandatory, 0),
        ["nomand"] = (0, MsFlags.Mandatory),
        ["noatime"] = (MsFlags.NoAtime, 0),
        ["atime"] = (0, MsFlags.NoAtime),
        ["nodiratime"] = (MsFlags.NoDirAtime, 0),
        ["diratime"] = (0, MsFlags.NoDirAtime),
        ["relatime"] = (MsFlags.RelAtime, 0),
        ["norelatime"] = (0, MsFlags.RelAtime),
        ["strictatime"] = (MsFlags.StrictAtime, 0),
        ["bind"] = (MsFlags.Bind, 0),
        ["rbind"] = (MsFlags.Bind | MsFlags.Recursive, 0),
        ["defaults"] = (0, 0),
    };

    // Propagation is the caller's business (container mounts live in a private namespace): accepted, not applied.
    private static readonly HashSet<string> Propagation =
        ["private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable"];

    public bool IsBind => Flags.HasFlag(MsFlags.Bind);

    /// <summary>Each entry may itself be a comma-separated list (kata sends "trans=virtio,version=9p2000.L" as one).</summary>
    public static MountOptions Parse(IEnumerable<string> options)
    {
        MsFlags flags = 0;
        var data = new List<string>();
        foreach (string option in options.SelectMany(o => o.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (Known.TryGetValue(option, out (MsFlags Set, MsFlags Clear) known))
            {
                flags = (flags & ~known.Clear) | known.Set;
            }
            else if (!Propagation.Contains(option))
            {
                data.Add(option);
            }
        }

        return new MountOptions(flags, data.Count == 0 ? null : string.Join(',', data));
    }
}
