namespace AotShim.Shim.Tests.Hypervisor;

/// <summary>What a process's descriptors point at (pipe:[N], socket:[N], paths); fds closing while read are skipped.</summary>
internal static class FdTable
{
    public static IReadOnlyDictionary<int, string> Of(int pid)
    {
        var table = new Dictionary<int, string>();
        foreach (string fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target)
                {
                    table[int.Parse(Path.GetFileName(fd))] = target;
                }
            }
            catch (IOException)
            {
            }
        }

        return table;
    }

    /// <summary>Targets that name one object (a pipe, a socket, a file outside /dev), so sharing them means inheriting them.</summary>
    public static bool IsIdentifying(string target) =>
        target.StartsWith("pipe:[", StringComparison.Ordinal)
        || target.StartsWith("socket:[", StringComparison.Ordinal)
        || (target.StartsWith('/') && !target.StartsWith("/dev/", StringComparison.Ordinal));
}
