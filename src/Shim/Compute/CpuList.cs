using System.Globalization;
using System.Text;

namespace AotShim.Shim.Compute;

/// <summary>
/// A Linux CPU or memory-node list ("0-3,6"), as in linux.resources.cpu.cpus and .mems and cpuset.cpus: parsed to the
/// numbers it names, and those written back in the kernel's own compact form.
/// </summary>
public static class CpuList
{
    /// <summary>How many distinct CPUs the list names.</summary>
    /// <exception cref="FormatException">The list is malformed; the message quotes it.</exception>
    public static int Count(string list) => Parse(list).Count;

    /// <summary>The numbers the list names.</summary>
    /// <exception cref="FormatException">The list is malformed; the message quotes it.</exception>
    public static SortedSet<int> Parse(string list)
    {
        var cpus = new SortedSet<int>();
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

        return cpus;
    }

    /// <summary>Ascending numbers as the kernel prints them: runs of two or more as ranges ("0-2,5").</summary>
    public static string Format(SortedSet<int> cpus)
    {
        var text = new StringBuilder();
        int? start = null;
        int previous = 0;
        foreach (int cpu in cpus)
        {
            if (start is not null && cpu == previous + 1)
            {
                previous = cpu;
                continue;
            }

            AppendRun(text, start, previous);
            start = previous = cpu;
        }

        AppendRun(text, start, previous);
        return text.ToString();
    }

    private static void AppendRun(StringBuilder text, int? start, int last)
    {
        if (start is not int first)
        {
            return;
        }

        text.Append(text.Length == 0 ? "" : ",").Append(first.ToString(CultureInfo.InvariantCulture));
        if (last != first)
        {
            text.Append('-').Append(last.ToString(CultureInfo.InvariantCulture));
        }
    }

    // The kernel's own limit (NR_CPUS) is far below this; it only keeps a typo from allocating a huge set.
    private const int MaxCpu = 8191;

    private static int ParseCpu(string text, string list) =>
        int.TryParse(text, NumberStyles.None, null, out int cpu) && cpu <= MaxCpu
            ? cpu
            : throw new FormatException($"CPU list \"{list}\": \"{text}\" is not a CPU number");
}
