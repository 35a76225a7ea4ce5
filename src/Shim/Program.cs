using AotShim.Shim.Cli;

namespace AotShim.Shim;

/// <summary>One binary, two faces: the containerd shim, and `ecr-runtime` when invoked by that name or with "runtime".</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string invokedAs = Path.GetFileName(Environment.GetCommandLineArgs()[0]);
        if (invokedAs == RuntimeCli.Name)
        {
            return RuntimeCli.Run(args, Console.Out, Console.Error);
        }

        if (args.Length > 0 && args[0] == "runtime")
        {
            return RuntimeCli.Run(args[1..], Console.Out, Console.Error);
        }

        if (args is ["-v"] or ["--version"])
        {
            Console.Out.WriteLine(VersionInfo.Current);
            return 0;
        }

        Console.Error.WriteLine($"{VersionInfo.ProductName}: unsupported invocation '{string.Join(' ', args)}'; this build provides 'runtime <env|check|version>' and -v");
        return 2;
    }
}
