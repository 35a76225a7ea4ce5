using AotShim.GuestAgent.Containers;
using AotShim.GuestAgent.Rpc;
using AotShim.GuestAgent.Sandbox;
using AotShim.GuestAgent.Transport;
using AotShim.Shim.Ttrpc;
using AotShim.Vsock;

namespace AotShim.GuestAgent;

/// <summary>
/// The agent: prepares the cgroup tree, registers the kata agent protocol and serves it on the virtio-serial port
/// agent.channel.0 and on vsock port 1024, whichever exist. Prints ECR-GUEST-READY once it listens.
/// </summary>
internal static class GuestAgentHost
{
    // The port's name arrives over virtio-serial's control queue shortly after the driver binds.
    private static readonly TimeSpan PortWait = TimeSpan.FromSeconds(5);

    // Reads on the port and on process pipes block pool threads; a 1-vCPU guest's pool would grow too slowly.
    private const int MinThreads = 16;

    public static async Task<int> RunAsync()
    {
        ThreadPool.SetMinThreads(MinThreads, MinThreads);
        CgroupHierarchy.Prepare();

        var sandbox = new GuestSandbox();
        var server = new TtrpcServer();
        HealthRpcs.Register(server);
        new SandboxRpcs(sandbox).Register(server);
        new ContainerRpcs(sandbox).Register(server);
        new ProcessRpcs(sandbox).Register(server);
        new StdioRpcs(sandbox).Register(server);
        new GuestRpcs(sandbox).Register(server);
        NetworkRpcs.Register(server);

        var serving = new List<Task>();
        VsockListener? vsock = VsockAgentPort.TryListen();
        if (vsock is not null)
        {
            serving.Add(VsockAgentPort.ServeAsync(vsock, server, CancellationToken.None));
            AgentInfo.Say($"ECR-AGENT-VSOCK {VsockAgentPort.Port}");
        }

        SerialAgentPort? port = HasVirtioSerial() ? await SerialAgentPort.OpenAsync(PortWait) : null;
        if (port is not null)
        {
            serving.Add(port.ServeAsync(server, CancellationToken.None));
            AgentInfo.Say($"ECR-AGENT-PORT {port.Path}");
        }

        AgentInfo.Say("ECR-GUEST-READY");
        if (serving.Count == 0)
        {
            AgentInfo.Log("no agent.channel.0 port and no vsock: nothing to serve");
            await Task.Delay(Timeout.Infinite);
        }

        // A transport that stops ends the agent; /init starts a new one.
        Task stopped = await Task.WhenAny(serving);
        AgentInfo.Log("a transport stopped: " + (stopped.Exception?.GetBaseException().Message ?? "it ended"));
        return 1;
    }

    private static bool HasVirtioSerial() =>
        Directory.Exists("/sys/bus/virtio/drivers/virtio_console")
        && Directory.EnumerateFileSystemEntries("/sys/bus/virtio/drivers/virtio_console", "virtio*").Any();
}
