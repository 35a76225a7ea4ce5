using System.Collections;
using System.Text;
using AotShim.Native;

namespace AotShim.Shim.Bootstrap;

/// <summary>
/// `start`: bind the shim's socket, re-exec this binary as the long-running server in its own session with the
/// socket as fd 3 and no stdio, write the bundle's address file, print the address, exit. A pod's later
/// containers get the socket of the shim already serving the pod (one shim per pod, as kata).
/// containerd waits for this process on every container start, so it touches as little of the runtime as it can:
/// no System.Net.Sockets, no Console.
/// </summary>
public static class ShimStart
{
    public const int ListenerFd = 3;

    public static int Run(ShimArguments arguments, string bundle, Stream stdout, string socketDirectory = ShimSocket.DefaultDirectory)
    {
        string shimId = BundleAnnotations.ShimIdFor(arguments.Id, BundleAnnotations.Read(bundle));
        string socketPath = ShimSocket.PathFor(arguments.Address, arguments.Namespace, shimId, socketDirectory);
        byte[] address = Encoding.UTF8.GetBytes(ShimSocket.Address(socketPath));
        if (shimId == arguments.Id || !UnixSockets.Answers(socketPath))
        {
            Directory.CreateDirectory(socketDirectory);
            using FileDescriptor listener = UnixSockets.Listen(socketPath, backlog: 64);
            SpawnServer(arguments with { Id = shimId }, bundle, listener);
        }

        File.WriteAllBytes(Path.Combine(bundle, "address"), address);
        stdout.Write(address);
        stdout.Flush();
        return 0;
    }

    /// <summary>The server inherits nothing but the listener: containerd waits for our stdout to close.</summary>
    private static void SpawnServer(ShimArguments arguments, string bundle, FileDescriptor listener)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this executable's path to start the shim server");
        var argv = new List<string> { self, "-namespace", arguments.Namespace, "-id", arguments.Id, "-address", arguments.Address, "-publish-binary", arguments.PublishBinary };
        if (arguments.Debug)
        {
            argv.Add("-debug");
        }

        var environment = new List<string>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{variable.Key}={variable.Value}");
        }

        using ChildProcess server = ProcessSpawner.Spawn(new SpawnOptions(self, argv)
        {
            Environment = environment,
            WorkingDirectory = bundle,
            NewSession = true,
            Fds = [new FdMapping(listener, ListenerFd)],
        });
    }
}
