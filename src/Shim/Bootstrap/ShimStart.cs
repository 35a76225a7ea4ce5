using System.Net.Sockets;
using AotShim.Native;

namespace AotShim.Shim.Bootstrap;

/// <summary>
/// `start`: bind the shim's socket, re-exec this binary as the long-running server in its own session with the
/// socket as fd 3 and no stdio, write the bundle's address file, print the address, exit. A pod's later
/// containers get the socket of the shim already serving the pod (one shim per pod, as kata).
/// </summary>
public static class ShimStart
{
    public const int ListenerFd = 3;

    public static int Run(ShimArguments arguments, string bundle, TextWriter stdout, string socketDirectory = ShimSocket.DefaultDirectory)
    {
        string shimId = BundleAnnotations.ShimIdFor(arguments.Id, BundleAnnotations.Read(bundle));
        string socketPath = ShimSocket.PathFor(arguments.Address, arguments.Namespace, shimId, socketDirectory);
        string address = ShimSocket.Address(socketPath);
        if (shimId == arguments.Id || !Answers(socketPath))
        {
            // Not disposed: .NET unlinks a bound unix socket's file on Dispose, and the server owns it now.
            Socket listener = Listen(socketPath);
            SpawnServer(arguments with { Id = shimId }, bundle, listener);
        }

        File.WriteAllText(Path.Combine(bundle, "address"), address);
        stdout.Write(address);
        return 0;
    }

    private static Socket Listen(string socketPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            if (File.Exists(socketPath) && !Answers(socketPath))
            {
                // A shim that died left its socket behind; nobody listens on it any more.
                File.Delete(socketPath);
            }

            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(64);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private static bool Answers(string socketPath)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The server inherits nothing but the listener: containerd waits for our stdout to close.</summary>
    private static void SpawnServer(ShimArguments arguments, string bundle, Socket listener)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this executable's path to start the shim server");
        var argv = new List<string> { self, "-namespace", arguments.Namespace, "-id", arguments.Id, "-address", arguments.Address, "-publish-binary", arguments.PublishBinary };
        if (arguments.Debug)
        {
            argv.Add("-debug");
        }

        var environment = new List<string>();
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{variable.Key}={variable.Value}");
        }

        using ChildProcess server = ProcessSpawner.Spawn(new SpawnOptions(self, argv)
        {
            Environment = environment,
            WorkingDirectory = bundle,
            NewSession = true,
            Fds = [new FdMapping(listener.SafeHandle, ListenerFd)],
        });
    }
}
