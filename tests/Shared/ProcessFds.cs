namespace AotShim.Testing;

/// <summary>What this process's descriptors point at, for leak assertions; fds closing concurrently are skipped.</summary>
internal static class ProcessFds
{
    public static IReadOnlyList<string> Targets()
    {
        var targets = new List<string>();
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                // LinkTarget is the raw readlink text; ResolveLinkTarget would prefix "pipe:[N]" with the directory.
                if (new FileInfo(fd).LinkTarget is { } target)
                {
                    targets.Add(target);
                }
            }
            catch (IOException)
            {
            }
        }

        return targets;
    }
}
