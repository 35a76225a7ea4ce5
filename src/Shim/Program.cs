using AotShim.Native;
using AotShim.Shim.Bootstrap;
using AotShim.Shim.Cli;
using AotShim.Shim.Sandbox.Vm;

namespace AotShim.Shim;

/// <summary>One binary, two faces: the containerd shim, and `ecr-runtime` when invoked by that name or with "runtime".</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
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

        ShimArguments arguments;
        try
        {
            arguments = ShimArguments.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{VersionInfo.ProductName}: {e.Message}; as containerd's shim: -namespace NS -id ID -address ADDR [-publish-binary BIN] [-bundle DIR] [-debug] start|delete, or 'runtime <env|check|version>'");
            return 2;
        }

        return arguments.Action switch
        {
            ShimAction.Start => StartInPrivateMounts(arguments),
            ShimAction.Delete => ShimDelete.Run(arguments, ShimStdout.Open(), CleanVm(arguments)),
            _ => await ShimServe.RunAsync(arguments, (a, log) => new VmSandbox(a.Id, Environment.GetEnvironmentVariable, log)),
        };
    }

    /// <summary>
    /// The server is spawned from a private mount namespace (this is still the main thread, whose namespace children
    /// inherit): the pod's rootfs and share mounts stay off the host and vanish with the shim's last process.
    /// </summary>
    private static int StartInPrivateMounts(ShimArguments arguments)
    {
        MountNamespace.UnshareAsSlave();
        return ShimStart.Run(arguments, Directory.GetCurrentDirectory(), ShimStdout.Open());
    }

    /// <summary>
    /// Only the pod's own container owns the VM: deleting a container that joined it leaves the VM alone. What cannot
    /// be undone goes to stderr, which containerd logs.
    /// </summary>
    private static Action<string> CleanVm(ShimArguments arguments) => bundle =>
    {
        if (BundleAnnotations.ShimIdFor(arguments.Id, BundleAnnotations.Read(bundle)) == arguments.Id)
        {
            foreach (string problem in VmLeftovers.Clean(arguments.Id))
            {
                Console.Error.WriteLine($"sandbox {arguments.Id}: {problem}");
            }
        }
    };
}
