namespace AotShim.Shim.Compute;

/// <summary>
/// One mounted cgroup hierarchy: a v1 hierarchy with its controllers (or name=systemd), or the v2 unified one (at
/// /sys/fs/cgroup on a v2 host, /sys/fs/cgroup/unified on a hybrid one).
/// </summary>
public sealed record CgroupHierarchy(string MountPoint, bool Unified, IReadOnlyList<string> Controllers)
{
    /// <summary>The hierarchies in /proc/self/mountinfo, each once even when mounted at several places.</summary>
    public static IReadOnlyList<CgroupHierarchy> Mounted(string mountInfo = "/proc/self/mountinfo") => Parse(File.ReadLines(mountInfo));

    /// <summary>mountinfo lines: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS".</summary>
    public static IReadOnlyList<CgroupHierarchy> Parse(IEnumerable<string> lines)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<CgroupHierarchy>();
        foreach (string line in lines)
        {
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (separator < 6 || fields.Length < separator + 4 || fields[separator + 1] is not ("cgroup" or "cgroup2") || !seen.Add(fields[2]))
            {
                continue;
            }

            bool unified = fields[separator + 1] == "cgroup2";
            string[] controllers = unified ? [] : fields[separator + 3].Split(',').Where(IsController).ToArray();
            found.Add(new CgroupHierarchy(Unescape(fields[4]), unified, controllers));
        }

        return found;
    }

    /// <summary>This hierarchy's line in /proc/PID/cgroup ("ID:CONTROLLERS:PATH"): "0::" for v2, a shared controller for v1.</summary>
    public bool Matches(string cgroupLine, out string path)
    {
        string[] parts = cgroupLine.Split(':', 3);
        path = parts.Length == 3 ? parts[2] : "";
        if (parts.Length != 3)
        {
            return false;
        }

        return Unified ? parts[0] == "0" && parts[1].Length == 0 : parts[1].Split(',').Intersect(Controllers).Any();
    }

    /// <summary>The directory of cgroup <paramref name="path"/> ("/a/b") in this hierarchy.</summary>
    public string Directory(string path) => MountPoint + (path == "/" ? "" : path);

    // Super options also carry rw, clone_children, release_agent=...; controllers are the rest (and name=NAME).
    private static bool IsController(string option) =>
        option.StartsWith("name=", StringComparison.Ordinal)
        || option is not ("rw" or "ro" or "clone_children" or "noprefix" or "xattr" or "cpuset_v2_mode" or "favordynmods") && !option.Contains('=');

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal.</summary>
    private static string Unescape(string field) =>
        field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
