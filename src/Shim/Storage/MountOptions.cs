using AotShim.Native;

namespace AotShim.Shim.Storage;

/// <summary>A mount's option list (as containerd and OCI write it) split into mount(2) flags and the filesystem's data string.</summary>
public sealed record MountOptions(MountFlags Flags, string Data)
{
    private static readonly Dictionary<string, (MountFlags Set, MountFlags Clear)> Known = new(StringComparer.Ordinal)
    {
        ["ro"] = (MountFlags.ReadOnly, 0),
        ["rw"] = (0, MountFlags.ReadOnly),
        ["nosuid"] = (MountFlags.NoSuid, 0),
        ["suid"] = (0, MountFlags.NoSuid),
        ["nodev"] = (MountFlags.NoDev, 0),
        ["dev"] = (0, MountFlags.NoDev),
        ["noexec"] = (MountFlags.NoExec, 0),
        ["exec"] = (0, MountFlags.NoExec),
        ["bind"] = (MountFlags.Bind, 0),
        ["rbind"] = (MountFlags.Bind | MountFlags.Recursive, 0),
        ["defaults"] = (0, 0),
    };

    public bool IsBind => (Flags & MountFlags.Bind) != 0;

    public static MountOptions Parse(IEnumerable<string> options)
    {
        MountFlags flags = 0;
        var data = new List<string>();
        foreach (string option in options)
        {
            if (Known.TryGetValue(option, out var known))
            {
                flags = (flags | known.Set) & ~known.Clear;
            }
            else
            {
                data.Add(option);
            }
        }

        return new MountOptions(flags, string.Join(',', data));
    }
}
