using AotShim.GuestAgent.Containers;
using AotShim.GuestAgent.Processes;
using AotShim.GuestAgent.Sandbox;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.GuestAgent.Rpc;

/// <summary>
/// Processes: ExecProcess runs a new process in a running container; SignalProcess signals one process, or with
/// an empty exec id the init process and then everything in the container's cgroup (kata's "all"); WaitProcess
/// blocks until the process has exited and answers its status (exit code, or 128 + signal).
/// </summary>
internal sealed class ProcessRpcs(GuestSandbox sandbox)
{
    public void Register(TtrpcServer server)
    {
        AgentRpc.Add(server, "ExecProcess", ExecProcessRequest.Parser, (r, _) => ExecAsync(r));
        AgentRpc.Add(server, "SignalProcess", SignalProcessRequest.Parser, (r, _) => SignalAsync(r));
        AgentRpc.Add(server, "WaitProcess", WaitProcessRequest.Parser, WaitAsync);
    }

    private async ValueTask<Empty> ExecAsync(ExecProcessRequest request)
    {
        GuestContainer container = sandbox.Find(request.ContainerId);
        if (request.ExecId.Length == 0 || request.Process is null || request.Process.Args.Count == 0)
        {
            throw new TtrpcException(TtrpcStatusCode.InvalidArgument, $"container {container.Id}: an exec needs an exec id and process args");
        }

        if (!container.Init.Started || container.Init.Exited.IsCompleted)
        {
            throw new TtrpcException(TtrpcStatusCode.FailedPrecondition, $"container {container.Id} is not running: cannot exec {request.ExecId}");
        }

        var process = new GuestProcess(container.Id, request.ExecId, request.Process);
        try
        {
            container.AddExec(process);
        }
        catch
        {
            process.Dispose();
            throw;
        }

        try
        {
            await process.StartAsync(container.ExecPlan(request.Process)).ConfigureAwait(false);
        }
        catch
        {
            container.RemoveExec(process);
            process.Dispose();
            throw;
        }

        return AgentRpc.Done;
    }

    private async ValueTask<Empty> SignalAsync(SignalProcessRequest request)
    {
        GuestContainer container = sandbox.Find(request.ContainerId);
        int signal = checked((int)request.Signal);
        if (request.ExecId.Length > 0)
        {
            container.Find(request.ExecId).Signal(signal);
            return AgentRpc.Done;
        }

        container.Init.Signal(signal);
        await container.Cgroup.SignalAllAsync(signal).ConfigureAwait(false);
        return AgentRpc.Done;
    }

    private async ValueTask<WaitProcessResponse> WaitAsync(WaitProcessRequest request, TtrpcContext context)
    {
        GuestProcess process = sandbox.Find(request.ContainerId).Find(request.ExecId);
        return new WaitProcessResponse { Status = await process.Exited.WaitAsync(context.CancellationToken).ConfigureAwait(false) };
    }
}
