namespace AotShim.Shim.Cli;

/// <summary>The flags every `ecr-runtime` subcommand understands; anything else is a usage error naming it.</summary>
internal sealed record CliOptions(bool Json, bool Verbose, bool Help, string? ConfigPath)
{
    public static CliOptions Parse(string command, IReadOnlyList<string> args, bool allowsConfig, bool allowsVerbose, bool allowsJson = true)
    {
        bool json = false, verbose = false, help = false;
        string? config = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json" when allowsJson:
                    json = true;
                    break;
                case "--verbose" or "-v" when allowsVerbose:
                    verbose = true;
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                case "--config" when allowsConfig:
                    config = i + 1 < args.Count ? args[++i] : throw new UsageException($"{command}: --config needs a file");
                    break;
                case var other when allowsConfig && other.StartsWith("--config=", StringComparison.Ordinal):
                    config = other["--config=".Length..];
                    break;
                default:
                    throw new UsageException($"{command}: unknown argument '{args[i]}' (see ecr-runtime {command} --help)");
            }
        }

        return new CliOptions(json, verbose, help, config);
    }
}
