using AotShim.Shim.Annotations;
using AotShim.Shim.Config;

namespace AotShim.Shim.Cli;

/// <summary>`ecr-runtime`: the host-side tool that shares the shim's binary.</summary>
internal static class RuntimeCli
{
    public const string Name = "ecr-runtime";

    public const string Help = """
        Usage: ecr-runtime <command> [options]
               containerd-shim-ecr-v2 runtime <command> [options]

        Commands:
          env       print the effective configuration (every key, with defaults)
          check     check that this host can run sandboxes with the effective configuration
          version   print version information

        Run 'ecr-runtime <command> --help' for a command's options.
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        try
        {
            if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
            {
                output.WriteLine(Help);
                return args.Count == 0 ? 2 : 0;
            }

            IReadOnlyList<string> rest = args.Skip(1).ToArray();
            return args[0] switch
            {
                "env" => EnvCommand.Run(rest, output, error),
                "check" => CheckCommand.Run(rest, output, error),
                "version" or "--version" => VersionCommand.Run(rest, output),
                var other => throw new UsageException($"unknown command '{other}'; expected env, check or version"),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"{Name}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is ConfigException or AnnotationException)
        {
            error.WriteLine($"{Name}: {e.Message}");
            return 1;
        }
    }
}
