namespace AotShim.Shim.Compute;

/// <summary>A Linux CPU list ("0-3,6"), as in linux.resources.cpu.cpus: how many distinct CPUs it names.</summary>
public static class CpuList
{
    /// <exception cref="FormatException">The list is malformed; the message quotes it.</exception>
    public static int Count(string list)
    {
        var cpus = new HashSet<int>();
        foreach (string part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-');
            int first = ParseCpu(dash < 0 ? part : part[..dash], list);
            int last = dash < 0 ? first : ParseCpu(part[(dash + 1)..], list);
            if (last < first)
            {
                throw new FormatException($"CPU list \"{list}\": range {part} runs backwards");
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus.Count;
    }

    // The kernel's own limit (NR_CPUS) is far below this; it only keeps a typo from allocating a huge set.
    private const int MaxCpu = 8191;

    private static int ParseCpu(string text, string list) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, null, out int cpu) && cpu <= MaxCpu
            ? cpu
            : throw new FormatException($"CPU list \"{list}\": \"{text}\" is not a CPU number");
}
