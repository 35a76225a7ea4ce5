using System.Net.Sockets;
using AotShim.Shim.Sandbox;
using AotShim.Shim.Tasks;
using AotShim.Shim.Ttrpc;

namespace AotShim.Shim.Bootstrap;

/// <summary>The long-running server `start` spawned: the task service on the inherited socket until Shutdown.</summary>
public static class ShimServe
{
    public static async Task<int> RunAsync(ShimArguments arguments, Func<ShimArguments, ShimLog, ISandbox> createSandbox)
    {
        string bundle = Directory.GetCurrentDirectory();
        using ShimLog log = ShimLog.Open(bundle);
        ShimPidFile.Write(bundle);
        string ttrpcAddress = Environment.GetEnvironmentVariable("TTRPC_ADDRESS")
            ?? throw new InvalidOperationException("TTRPC_ADDRESS is not set: the shim must be started by containerd");
        using var listener = new Socket(new SafeSocketHandle(ShimStart.ListenerFd, ownsHandle: true));
        await using var events = new TaskEventForwarder(ttrpcAddress, arguments.Namespace);
        events.Dropped += (topic, e) => log.Write("warning", $"event {topic} not delivered to containerd: {e.Message}");
        await using ISandbox sandbox = createSandbox(arguments, log);
        await using var server = new TtrpcServer();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskServiceMethods.Register(server, new TaskService(sandbox, events, () => stopping.TrySetResult()));
        log.Write("info", $"shim {arguments.Id} serving in namespace {arguments.Namespace}");

        Task serving = server.ServeAsync(listener);
        await Task.WhenAny(serving, stopping.Task);

        // The sandbox goes first: once the connection closes containerd runs `delete`, which must find nothing to race with.
        await sandbox.DisposeAsync();
        await server.ShutdownAsync();
        log.Write("info", $"shim {arguments.Id} shut down");
        return 0;
    }
}
