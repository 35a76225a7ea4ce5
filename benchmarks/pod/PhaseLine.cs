using System.Globalization;

namespace AotShim.PodBenchmarks;

/// <summary>One "phases name=1.23ms ..." line the shim logs when a container has started (VmSandbox's trace).</summary>
internal static class PhaseLine
{
    /// <summary>The phases of every such line in a containerd log, in order, for containers whose id starts with <paramref name="prefix"/>.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, double>> Read(string log, string prefix)
    {
        foreach (string line in File.ReadLines(log))
        {
            int start = line.IndexOf(" phases ", StringComparison.Ordinal);
            if (start < 0 || !line.Contains("container " + prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var phases = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (string field in line[(start + " phases ".Length)..].TrimEnd('"').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] pair = field.Split('=');
                if (pair.Length == 2 && pair[1].EndsWith("ms", StringComparison.Ordinal))
                {
                    phases[pair[0]] = double.Parse(pair[1][..^2], CultureInfo.InvariantCulture);
                }
            }

            yield return phases;
        }
    }
}
