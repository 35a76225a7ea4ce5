using AotShim.GuestAgent.Containers;
using AotShim.GuestAgent.Native;
using AotShim.GuestAgent.Sandbox;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.GuestAgent.Rpc;

/// <summary>
/// CreateSandbox sets the guest's hostname and mounts the sandbox storages (the shared directory); DNS and the
/// sandbox pid namespace are accepted and not applied (network comes later, containers share the guest's pids).
/// DestroySandbox removes every container, unmounts every storage and ends pending GetOOMEvent calls.
/// </summary>
internal sealed class SandboxRpcs(GuestSandbox sandbox)
{
    public void Register(TtrpcServer server)
    {
        AgentRpc.Add(server, "CreateSandbox", CreateSandboxRequest.Parser, (r, _) => Create(r));
        AgentRpc.Add(server, "DestroySandbox", DestroySandboxRequest.Parser, (_, _) => DestroyAsync());
    }

    private ValueTask<Empty> Create(CreateSandboxRequest request)
    {
        if (request.KernelModules.Count > 0)
        {
            throw new TtrpcException(TtrpcStatusCode.Unimplemented, $"the test guest has no modprobe: cannot load {string.Join(", ", request.KernelModules.Select(m => m.Name))}");
        }

        if (request.Hostname.Length > 0)
        {
            GuestLibc.SetHostname(request.Hostname);
        }

        sandbox.Storages.Add(request.Storages);
        sandbox.Open();
        return ValueTask.FromResult(AgentRpc.Done);
    }

    private async ValueTask<Empty> DestroyAsync()
    {
        var failures = new List<string>();
        foreach (GuestContainer container in sandbox.Containers())
        {
            try
            {
                await ContainerTeardown.RemoveAsync(sandbox, container).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or TimeoutException or UnauthorizedAccessException)
            {
                failures.Add($"container {container.Id}: {e.Message}");
            }
        }

        sandbox.Storages.ReleaseAll();
        sandbox.MarkDestroyed();
        return failures.Count == 0
            ? AgentRpc.Done
            : throw new TtrpcException(TtrpcStatusCode.Internal, "sandbox destroyed with errors: " + string.Join("; ", failures));
    }
}
