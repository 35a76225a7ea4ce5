using System.Text.Json;
using AotShim.Shim.Config;
using Tomlyn;

namespace AotShim.Shim.Cli;

/// <summary>`ecr-runtime env`: the effective configuration, every key, as TOML or JSON.</summary>
internal static class EnvCommand
{
    public const string Help = """
        Usage: ecr-runtime env [--json] [--config FILE]

        Prints the effective configuration: every key of [hypervisor.qemu], [agent.kata], [runtime] and [factory],
        with the file's values and the defaults for keys it leaves out. Warnings (unknown keys) go to stderr.
          --config FILE  read FILE instead of ECR_CONF_FILE / KATA_CONF_FILE / /etc/ecr/configuration.toml /
                         /usr/share/defaults/ecr/configuration.toml
          --json         print a JSON document instead of TOML
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        CliOptions options = CliOptions.Parse("env", args, allowsConfig: true, allowsVerbose: false);
        if (options.Help)
        {
            output.WriteLine(Help);
            return 0;
        }

        var (loaded, source) = ConfigSelection.Load(options.ConfigPath);
        foreach (string warning in loaded.Warnings)
        {
            error.WriteLine("warning: " + warning);
        }

        ConfigurationFile file = loaded.Configuration.ToFile();
        if (options.Json)
        {
            var report = new EnvReport(loaded.Files, source.ToString(), loaded.Warnings, VersionInfo.Current, file);
            output.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.EnvReport));
        }
        else
        {
            output.WriteLine($"# {VersionInfo.Current}");
            output.WriteLine($"# configuration: {string.Join(", ", loaded.Files)} ({source})");
            output.Write(TomlSerializer.Serialize(file, ConfigTomlContext.Default.ConfigurationFile));
        }

        return 0;
    }
}
