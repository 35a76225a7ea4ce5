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
                if (File.ResolveLinkTarget(fd, returnFinalTarget: false) is { } target)
                {
                    targets.Add(target.ToString());
                }
            }
            catch (IOException)
            {
            }
        }

        return targets;
    }
}
