using Tomlyn.Model;

namespace AotShim.Shim.Config;

/// <summary>Keys the configuration does not know are reported, not fatal: kata files carry keys for other VMMs.</summary>
internal static class UnknownKeys
{
    public static void Collect(ConfigurationFile file, string text, string path, List<string> warnings)
    {
        TomlKeyLocator? locator = null;
        void Report(string table, Dictionary<string, object?>? unknown)
        {
            foreach (string key in unknown?.Keys ?? Enumerable.Empty<string>())
            {
                locator ??= new TomlKeyLocator(text, path);
                string where = locator.Find(table, key) is { } at ? $"{path}:{at.Line}:{at.Column}" : path;
                string what = unknown![key] is TomlTable ? $"table [{(table.Length == 0 ? key : table + "." + key)}]" : TomlKeyLocator.Describe(table, key);
                warnings.Add($"{where}: unknown {what} ignored");
            }
        }

        Report("", file.UnknownKeys);
        foreach (var (name, qemu) in file.Hypervisor)
        {
            Report("hypervisor." + name, qemu.UnknownKeys);
        }

        foreach (var (name, agent) in file.Agent)
        {
            Report("agent." + name, agent.UnknownKeys);
        }

        Report("runtime", file.Runtime.UnknownKeys);
        Report("factory", file.Factory.UnknownKeys);
    }
}
