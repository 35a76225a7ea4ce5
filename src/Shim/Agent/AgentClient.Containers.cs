using AotShim.Shim.Agent.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Agent;

/// <summary>Container lifecycle and container-wide operations.</summary>
public sealed partial class AgentClient
{
    public async ValueTask CreateContainerAsync(CreateContainerRequest request, CancellationToken ct) =>
        await CallAsync("CreateContainer", request, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    public async ValueTask StartContainerAsync(string containerId, CancellationToken ct) =>
        await CallAsync("StartContainer", new StartContainerRequest { ContainerId = containerId }, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    /// <summary>The agent waits up to <paramref name="timeout"/> (0 = no wait) for the container's processes to go.</summary>
    public async ValueTask RemoveContainerAsync(string containerId, TimeSpan timeout, CancellationToken ct) =>
        await CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = containerId, Timeout = (uint)timeout.TotalSeconds }, Empty.Parser, timeout + DefaultTimeout, ct).ConfigureAwait(false);

    public async ValueTask PauseContainerAsync(string containerId, CancellationToken ct) =>
        await CallAsync("PauseContainer", new PauseContainerRequest { ContainerId = containerId }, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    public async ValueTask ResumeContainerAsync(string containerId, CancellationToken ct) =>
        await CallAsync("ResumeContainer", new ResumeContainerRequest { ContainerId = containerId }, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    public async ValueTask UpdateContainerAsync(string containerId, LinuxResources resources, CancellationToken ct) =>
        await CallAsync("UpdateContainer", new UpdateContainerRequest { ContainerId = containerId, Resources = resources }, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    public ValueTask<StatsContainerResponse> StatsContainerAsync(string containerId, CancellationToken ct) =>
        CallAsync("StatsContainer", new StatsContainerRequest { ContainerId = containerId }, StatsContainerResponse.Parser, DefaultTimeout, ct);
}
