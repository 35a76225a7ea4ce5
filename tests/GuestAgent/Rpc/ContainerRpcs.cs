using AotShim.GuestAgent.Containers;
using AotShim.GuestAgent.Processes;
using AotShim.GuestAgent.Sandbox;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.GuestAgent.Rpc;

/// <summary>
/// Container lifecycle: CreateContainer makes the cgroup, mounts the storages and the init process's stdio;
/// StartContainer runs the init process; RemoveContainer kills whatever is left and releases everything.
/// </summary>
internal sealed class ContainerRpcs(GuestSandbox sandbox)
{
    public void Register(TtrpcServer server)
    {
        AgentRpc.Add(server, "CreateContainer", CreateContainerRequest.Parser, (r, _) => CreateAsync(r));
        AgentRpc.Add(server, "StartContainer", StartContainerRequest.Parser, (r, _) => StartAsync(r));
        AgentRpc.Add(server, "RemoveContainer", RemoveContainerRequest.Parser, (r, _) => RemoveAsync(r));
        AgentRpc.Add(server, "UpdateContainer", UpdateContainerRequest.Parser, (r, _) => Update(r));
        AgentRpc.Add(server, "StatsContainer", StatsContainerRequest.Parser, (r, _) =>
            ValueTask.FromResult(new StatsContainerResponse { CgroupStats = CgroupStatistics.Read(sandbox.Find(r.ContainerId).Cgroup) }));
        AgentRpc.Add(server, "PauseContainer", PauseContainerRequest.Parser, (r, _) => FreezeAsync(r.ContainerId, true));
        AgentRpc.Add(server, "ResumeContainer", ResumeContainerRequest.Parser, (r, _) => FreezeAsync(r.ContainerId, false));
    }

    private ValueTask<Empty> CreateAsync(CreateContainerRequest request)
    {
        string id = request.ContainerId;
        Spec spec = Validate(id, request.OCI);
        sandbox.Reserve(id);
        GuestContainer? created = null;
        IReadOnlyList<string> storages = [];
        ContainerCgroup? cgroup = null;
        try
        {
            storages = sandbox.Storages.Add(request.Storages);
            if (!Directory.Exists(spec.Root.Path))
            {
                throw new TtrpcException(TtrpcStatusCode.NotFound, $"container {id}: rootfs {spec.Root.Path} does not exist in the guest");
            }

            cgroup = ContainerCgroup.Create(id);
            CgroupResources.Apply(cgroup, spec.Linux?.Resources);
            string execId = request.ExecId.Length > 0 ? request.ExecId : id;
            created = new GuestContainer(id, spec, cgroup, storages, new GuestProcess(id, execId, spec.Process));
            return ValueTask.FromResult(AgentRpc.Done);
        }
        catch
        {
            cgroup?.RemoveAsync().GetAwaiter().GetResult();
            sandbox.Storages.Release(storages);
            throw;
        }
        finally
        {
            sandbox.Complete(id, created);
        }
    }

    private async ValueTask<Empty> StartAsync(StartContainerRequest request)
    {
        GuestContainer container = sandbox.Find(request.ContainerId);
        await container.Init.StartAsync(container.InitPlan()).ConfigureAwait(false);
        return AgentRpc.Done;
    }

    /// <summary>A timeout (seconds) bounds the whole removal; 0 waits as long as it takes.</summary>
    private async ValueTask<Empty> RemoveAsync(RemoveContainerRequest request)
    {
        GuestContainer container = sandbox.Find(request.ContainerId);
        Task removal = ContainerTeardown.RemoveAsync(sandbox, container);
        if (request.Timeout > 0)
        {
            await removal.WaitAsync(TimeSpan.FromSeconds(request.Timeout)).ConfigureAwait(false);
        }
        else
        {
            await removal.ConfigureAwait(false);
        }

        return AgentRpc.Done;
    }

    private ValueTask<Empty> Update(UpdateContainerRequest request)
    {
        CgroupResources.Apply(sandbox.Find(request.ContainerId).Cgroup, request.Resources);
        return ValueTask.FromResult(AgentRpc.Done);
    }

    private async ValueTask<Empty> FreezeAsync(string containerId, bool frozen)
    {
        await sandbox.Find(containerId).Cgroup.FreezeAsync(frozen).ConfigureAwait(false);
        return AgentRpc.Done;
    }

    private static Spec Validate(string id, Spec? spec)
    {
        if (spec is null)
        {
            throw new TtrpcException(TtrpcStatusCode.InvalidArgument, $"container {id}: no OCI spec");
        }

        if (spec.Process is null || spec.Process.Args.Count == 0)
        {
            throw new TtrpcException(TtrpcStatusCode.InvalidArgument, $"container {id}: the spec has no process args");
        }

        if (spec.Root is null || !Path.IsPathFullyQualified(spec.Root.Path))
        {
            throw new TtrpcException(TtrpcStatusCode.InvalidArgument, $"container {id}: Root.Path \"{spec.Root?.Path}\" is not an absolute guest path");
        }

        return spec;
    }
}
