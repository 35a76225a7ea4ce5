namespace AotShim.Shim.Compute;

/// <summary>
/// Where the sandbox cgroup lives in every hierarchy, from the sandbox container's linux.cgroupsPath as kata names it:
/// "/a/b" (cgroupfs) becomes "/a/ecr_b", a sibling of the engine's own cgroup for that container; systemd's
/// "slice:prefix:name" becomes the path systemd gives that scope ("/a.slice/a-b.slice/prefix-name.scope"), created
/// directly on cgroupfs since the shim does not talk to systemd; a relative path goes under the root; no path at all
/// gives "/ecr_SANDBOXID".
/// </summary>
public static class SandboxCgroupPath
{
    public const string Prefix = "ecr_";

    /// <exception cref="ArgumentException">The path is malformed; the message quotes linux.cgroupsPath.</exception>
    public static string For(string sandboxId, string? cgroupsPath)
    {
        if (string.IsNullOrEmpty(cgroupsPath))
        {
            return "/" + Prefix + sandboxId;
        }

        string[] systemd = cgroupsPath.Split(':');
        if (systemd.Length == 3 && systemd[0].EndsWith(".slice", StringComparison.Ordinal))
        {
            if (cgroupsPath.Contains('/'))
            {
                throw new ArgumentException($"linux.cgroupsPath \"{cgroupsPath}\": a systemd \"slice:prefix:name\" path has no \"/\"");
            }

            string unit = systemd[2].EndsWith(".slice", StringComparison.Ordinal) ? systemd[2] : $"{systemd[1]}-{systemd[2]}.scope";
            return Checked(ExpandSlice(systemd[0], cgroupsPath) + "/" + unit, cgroupsPath);
        }

        string clean = Checked("/" + string.Join('/', cgroupsPath.Split('/', StringSplitOptions.RemoveEmptyEntries)), cgroupsPath);
        int last = clean.LastIndexOf('/');
        return clean.Length == 1 ? "/" + Prefix + sandboxId : clean[..(last + 1)] + Prefix + clean[(last + 1)..];
    }

    /// <summary>systemd's slice nesting: "a-b.slice" lives in "a.slice" ("-.slice" is the root).</summary>
    private static string ExpandSlice(string slice, string cgroupsPath)
    {
        string name = slice[..^".slice".Length];
        if (name == "-")
        {
            return "";
        }

        string path = "";
        string prefix = "";
        foreach (string component in name.Split('-'))
        {
            if (component.Length == 0)
            {
                throw new ArgumentException($"linux.cgroupsPath \"{cgroupsPath}\": invalid systemd slice \"{slice}\"");
            }

            path += "/" + prefix + component + ".slice";
            prefix += component + "-";
        }

        return path;
    }

    private static string Checked(string path, string cgroupsPath) =>
        path.Split('/').Any(part => part is "." or "..") || path.Contains('\0')
            ? throw new ArgumentException($"linux.cgroupsPath \"{cgroupsPath}\": \".\" and \"..\" are not allowed")
            : path;
}
