using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Hooks;

namespace AotShim.Shim.Sandbox.Vm;

/// <summary>
/// One container's OCI hooks, run on the host in the pod's network namespace: prestart and createRuntime fail the
/// Create, poststart and poststop failures are logged (OCI: warnings), as kata does. The guest never sees them.
/// </summary>
internal sealed class ContainerHooks(AotShim.Shim.Agent.Protocol.Hooks? hooks, string id, string bundle, Spec spec, string? netnsPath, Action<string, string> log)
{
    public async ValueTask RunCreateAsync(int pid, CancellationToken ct)
    {
        if (hooks is null)
        {
            return;
        }

        await HookRunner.RunAsync(hooks.Prestart, HookStages.Prestart, State(OciStatus.Creating, pid), netnsPath, ct).ConfigureAwait(false);
        await HookRunner.RunAsync(hooks.CreateRuntime, HookStages.CreateRuntime, State(OciStatus.Creating, pid), netnsPath, ct).ConfigureAwait(false);
    }

    public ValueTask RunPoststartAsync(int pid, CancellationToken ct) => RunLoggedAsync(hooks?.Poststart, HookStages.Poststart, State(OciStatus.Running, pid), ct);

    public ValueTask RunPoststopAsync(CancellationToken ct) => RunLoggedAsync(hooks?.Poststop, HookStages.Poststop, State(OciStatus.Stopped, 0), ct);

    private async ValueTask RunLoggedAsync(IReadOnlyList<Hook>? stage, string name, OciState state, CancellationToken ct)
    {
        if (stage is not { Count: > 0 })
        {
            return;
        }

        foreach (HookException failure in await HookRunner.RunEachAsync(stage, name, state, netnsPath, ct).ConfigureAwait(false))
        {
            log("warning", $"container {id}: {failure.Message}");
        }
    }

    private OciState State(OciStatus status, int pid) => new(id, status, bundle)
    {
        OciVersion = spec.Version.Length > 0 ? spec.Version : OciState.SpecVersion,
        Pid = pid,
        Annotations = spec.Annotations,
    };
}
