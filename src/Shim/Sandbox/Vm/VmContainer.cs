using AotShim.Shim.Agent;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Metrics;
using AotShim.Shim.Storage;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Sandbox.Vm;

/// <summary>A container in the pod's VM: its rootfs is shared into the guest and the agent runs its processes.</summary>
internal sealed class VmContainer(PodVm vm, ContainerRequest request, IProcess init, ContainerStorage storage, ContainerHooks hooks, Action<string, string> log) : IContainer
{
    public string Id => request.Id;

    public IProcess Init => init;

    public ValueTask<IProcess> ExecAsync(ExecRequest exec, CancellationToken cancellationToken)
    {
        AotShim.Shim.Agent.Protocol.Process process = OciSpecReader.ReadProcess(exec.ProcessSpecJson.Span, $"exec {exec.ExecId} of {Id}");
        var execRequest = new ExecProcessRequest { ContainerId = Id, ExecId = exec.ExecId, Process = process };
        return ValueTask.FromResult<IProcess>(new VmProcess(vm, Id, exec.ExecId, exec.Stdio, ct => vm.Agent.ExecProcessAsync(execRequest, ct), log));
    }

    public ValueTask PauseAsync(CancellationToken cancellationToken) => vm.Agent.PauseContainerAsync(Id, cancellationToken);

    public ValueTask ResumeAsync(CancellationToken cancellationToken) => vm.Agent.ResumeContainerAsync(Id, cancellationToken);

    /// <summary>As kata: the only host process behind a guest container is the VM's.</summary>
    public ValueTask<IReadOnlyList<int>> PidsAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<int>>([vm.Qemu.Pid]);

    /// <summary>The VM grows first, so the guest has the CPUs and memory the new limits name; cpusets are the host's numbering, so they stay on the host.</summary>
    public async ValueTask UpdateAsync(ReadOnlyMemory<byte> resourcesJson, CancellationToken cancellationToken)
    {
        LinuxResources resources = OciSpecReader.ReadResources(resourcesJson.Span, $"update of {Id}");
        await vm.ApplyResourcesAsync(Id, resources, cancellationToken).ConfigureAwait(false);
        VmSandbox.WithoutHostCpuset(resources);
        await vm.Agent.UpdateContainerAsync(Id, resources, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<Any> StatsAsync(CancellationToken cancellationToken) =>
        ContainerMetrics.ToAny(await vm.Agent.StatsContainerAsync(Id, cancellationToken).ConfigureAwait(false));

    /// <summary>The agent forgets the container (unless the VM is gone), its storage leaves the VM and the host, then poststop hooks run.</summary>
    public async ValueTask DeleteAsync(CancellationToken cancellationToken)
    {
        if (!vm.Exited.IsCompleted)
        {
            await vm.Agent.RemoveContainerAsync(Id, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            await vm.ReleaseResourcesAsync(Id, cancellationToken).ConfigureAwait(false);
        }

        await VmSandbox.ReleaseStorageAsync(vm, storage, cancellationToken).ConfigureAwait(false);
        await hooks.RunPoststopAsync(cancellationToken).ConfigureAwait(false);
    }

}
