using AotShim.Shim.Agent.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Agent;

/// <summary>Sandbox-wide calls: health, the sandbox's own lifecycle and guest housekeeping.</summary>
public sealed partial class AgentClient
{
    public ValueTask<HealthCheckResponse> CheckAsync(TimeSpan timeout, CancellationToken ct) =>
        CallAsync(HealthService, "Check", new CheckRequest(), HealthCheckResponse.Parser, timeout, ct);

    public ValueTask<VersionCheckResponse> VersionAsync(CancellationToken ct) =>
        CallAsync(HealthService, "Version", new CheckRequest(), VersionCheckResponse.Parser, DefaultTimeout, ct);

    public async ValueTask CreateSandboxAsync(CreateSandboxRequest request, CancellationToken ct) =>
        await CallAsync("CreateSandbox", request, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    public async ValueTask DestroySandboxAsync(TimeSpan timeout, CancellationToken ct) =>
        await CallAsync("DestroySandbox", new DestroySandboxRequest(), Empty.Parser, timeout, ct).ConfigureAwait(false);

    public ValueTask<GuestDetailsResponse> GetGuestDetailsAsync(CancellationToken ct) =>
        CallAsync("GetGuestDetails", new GuestDetailsRequest { MemBlockSize = true, MemHotplugProbe = true }, GuestDetailsResponse.Parser, DefaultTimeout, ct);

    public async ValueTask SetGuestDateTimeAsync(DateTimeOffset now, CancellationToken ct)
    {
        long micros = (now - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        var request = new SetGuestDateTimeRequest { Sec = micros / 1_000_000, Usec = micros % 1_000_000 };
        await CallAsync("SetGuestDateTime", request, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);
    }

    public async ValueTask OnlineCpuMemAsync(uint cpus, bool cpuOnly, CancellationToken ct) =>
        await CallAsync("OnlineCPUMem", new OnlineCPUMemRequest { Wait = true, NbCpus = cpus, CpuOnly = cpuOnly }, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    public async ValueTask CopyFileAsync(CopyFileRequest request, CancellationToken ct) =>
        await CallAsync("CopyFile", request, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    /// <summary>Blocks until a container in the guest is OOM-killed (no timeout: the agent answers when it happens).</summary>
    public ValueTask<OOMEvent> GetOomEventAsync(CancellationToken ct) =>
        CallAsync("GetOOMEvent", new GetOOMEventRequest(), OOMEvent.Parser, null, ct);
}
