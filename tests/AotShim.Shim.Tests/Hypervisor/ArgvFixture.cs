using System.Text.RegularExpressions;

namespace AotShim.Shim.Tests.Hypervisor;

/// <summary>
/// An argv as option groups (option, value), read from a fixture file (one element per line, '#' comments,
/// indented lines continuing -append) or from the builder. Kata's random ids are normalised to wildcards.
/// </summary>
internal sealed partial record ArgvFixture(string Binary, IReadOnlyList<(string Option, string Value)> Groups)
{
    private static readonly HashSet<string> Flags = ["-no-user-config", "-nodefaults", "-nographic", "--no-reboot", "-daemonize", "-S"];

    public static ArgvFixture Load(string path)
    {
        var tokens = new List<string>();
        foreach (string line in File.ReadLines(path).Where(l => !l.StartsWith('#') && l.Length > 0))
        {
            if (!line.StartsWith("  ", StringComparison.Ordinal))
            {
                tokens.Add(line);
            }
            else if (tokens[^1] == "-append")
            {
                tokens.Add(line.Trim());
            }
            else
            {
                tokens[^1] += " " + line.Trim();
            }
        }

        return From(tokens[0], tokens.Skip(1).ToList());
    }

    public static ArgvFixture From(string binary, IReadOnlyList<string> arguments)
    {
        var groups = new List<(string, string)>();
        for (int i = 0; i < arguments.Count; i++)
        {
            string option = arguments[i];
            groups.Add(Flags.Contains(option) ? (option, "") : (option, Normalise(arguments[++i])));
        }

        return new ArgvFixture(binary, groups);
    }

    public IEnumerable<string> KernelParameters =>
        Groups.Single(g => g.Option == "-append").Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A group's comma-separated parts; equal when the same option carries the same parts in any order.</summary>
    public static HashSet<string> Parts(string value) => [.. value.Split(',')];

    private static string Normalise(string value) => RandomId().Replace(value, "$1-*");

    [GeneratedRegex(@"\b(char|image)-[0-9a-f]{16}\b")]
    private static partial Regex RandomId();
}
