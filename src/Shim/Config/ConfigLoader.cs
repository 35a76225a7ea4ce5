using Tomlyn;
using Tomlyn.Model;

namespace AotShim.Shim.Config;

/// <summary>
/// Reads a kata configuration.toml and its config.d drop-ins into the effective <see cref="Configuration"/>:
/// defaults &lt; file &lt; drop-ins, then kata's zero-means-default rules, then validation.
/// </summary>
public static class ConfigLoader
{
    public const string DropInDirectory = "config.d";

    public static LoadedConfiguration Load(string path)
    {
        var warnings = new List<string>();
        var texts = new List<(string Path, string Text)> { (path, Read(path)) };
        texts.AddRange(DropIns(path).Select(dropIn => (dropIn, Read(dropIn))));

        ConfigurationFile file = Parse(texts[0].Text, path, warnings);
        if (texts.Count > 1)
        {
            foreach (var (dropIn, text) in texts.Skip(1))
            {
                Parse(text, dropIn, warnings);
            }

            file = Merge(texts);
        }

        Configuration configuration = ConfigNormalizer.Normalize(Select(file, path, warnings));
        ConfigValidator.ThrowIfInvalid(configuration, texts);
        return new LoadedConfiguration(configuration, [.. texts.Select(t => t.Path)], warnings);
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read configuration file {path}: {e.Message}");
        }
    }

    private static IEnumerable<string> DropIns(string path)
    {
        string directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, DropInDirectory);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.toml").Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>Typed parse of one file: catches syntax and type errors with their location, collects unknown keys.</summary>
    private static ConfigurationFile Parse(string text, string path, List<string> warnings)
    {
        ConfigurationFile file;
        try
        {
            file = TomlSerializer.Deserialize(text, ConfigTomlContext.Default.ConfigurationFile) ?? new ConfigurationFile();
        }
        catch (TomlException e)
        {
            throw TomlErrors.Describe(e, text, path);
        }

        UnknownKeys.Collect(file, text, path, warnings);
        return file;
    }

    /// <summary>Later files win key by key; tables merge recursively, as kata merges drop-ins.</summary>
    private static ConfigurationFile Merge(List<(string Path, string Text)> texts)
    {
        var merged = new TomlTable();
        foreach (var (_, text) in texts)
        {
            MergeInto(merged, TomlSerializer.Deserialize(text, ConfigTomlContext.Default.TomlTable)!);
        }

        string combined = TomlSerializer.Serialize(merged, ConfigTomlContext.Default.TomlTable);
        return TomlSerializer.Deserialize(combined, ConfigTomlContext.Default.ConfigurationFile) ?? new ConfigurationFile();
    }

    private static void MergeInto(TomlTable target, TomlTable source)
    {
        foreach (var (key, value) in source)
        {
            if (value is TomlTable sourceTable && target.TryGetValue(key, out object? existing) && existing is TomlTable targetTable)
            {
                MergeInto(targetTable, sourceTable);
            }
            else
            {
                target[key] = value;
            }
        }
    }

    private static Configuration Select(ConfigurationFile file, string path, List<string> warnings)
    {
        foreach (string other in file.Hypervisor.Keys.Where(k => k != Configuration.HypervisorTable))
        {
            if (!file.Hypervisor.ContainsKey(Configuration.HypervisorTable))
            {
                throw new ConfigException($"{path}: [hypervisor.{other}] is not supported: this runtime drives QEMU, configure [hypervisor.{Configuration.HypervisorTable}]");
            }

            warnings.Add($"{path}: [hypervisor.{other}] ignored: this runtime drives QEMU only");
        }

        foreach (string other in file.Agent.Keys.Where(k => k != Configuration.AgentTable))
        {
            warnings.Add($"{path}: [agent.{other}] ignored: the only agent is [agent.{Configuration.AgentTable}]");
        }

        return new Configuration
        {
            Hypervisor = file.Hypervisor.GetValueOrDefault(Configuration.HypervisorTable) ?? new QemuConfig(),
            Agent = file.Agent.GetValueOrDefault(Configuration.AgentTable) ?? new AgentConfig(),
            Runtime = file.Runtime,
            Factory = file.Factory,
        };
    }
}
