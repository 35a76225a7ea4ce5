using System.Text.Json;

namespace AotShim.Shim.Cli;

/// <summary>`ecr-runtime version`.</summary>
internal static class VersionCommand
{
    public const string Help = """
        Usage: ecr-runtime version [--json]

        Prints the version, the commit it was built from, the architecture and the .NET runtime.
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        CliOptions options = CliOptions.Parse("version", args, allowsConfig: false, allowsVerbose: false);
        if (options.Help)
        {
            output.WriteLine(Help);
        }
        else
        {
            output.WriteLine(options.Json ? JsonSerializer.Serialize(VersionInfo.Current, CliJsonContext.Default.VersionInfo) : VersionInfo.Current.ToString());
        }

        return 0;
    }
}
