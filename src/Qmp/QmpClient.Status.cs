namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    private const string MachineTypeSuffix = "-machine";

    /// <summary>query-status: "prelaunch" (started with -S), "running", "paused", "shutdown", ...</summary>
    public ValueTask<QmpStatus> QueryStatusAsync(TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteAsync("query-status", QmpJsonContext.Default.QmpStatus, timeout, ct);

    /// <summary>stop: pauses the vCPUs.</summary>
    public ValueTask StopAsync(TimeSpan? timeout = null, CancellationToken ct = default) => ExecuteAsync("stop", timeout, ct);

    /// <summary>cont: starts or resumes the vCPUs.</summary>
    public ValueTask ContinueAsync(TimeSpan? timeout = null, CancellationToken ct = default) => ExecuteAsync("cont", timeout, ct);

    /// <summary>quit, returning QEMU's SHUTDOWN event (which QEMU sends before its reply); QEMU then exits and closes the socket.</summary>
    public async ValueTask<QmpEvent> QuitAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        using QmpEventWaiter shutdown = ExpectEvent("SHUTDOWN");
        try
        {
            await ExecuteAsync("quit", timeout, ct).ConfigureAwait(false);
        }
        catch (QmpConnectionClosedException)
        {
            // Exiting before the reply is what quit asked for; whether SHUTDOWN came first decides below.
        }

        return await shutdown.WaitAsync(timeout, ct).ConfigureAwait(false);
    }

    /// <summary>The machine type QEMU runs, e.g. "pc-q35-7.2" or "virt-7.2".</summary>
    public async ValueTask<string> QueryMachineAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        string type = await ExecuteAsync("qom-get", new QomGetArguments("/machine", "type"), QmpJsonContext.Default.String, timeout, ct).ConfigureAwait(false);
        return type.EndsWith(MachineTypeSuffix, StringComparison.Ordinal) ? type[..^MachineTypeSuffix.Length] : type;
    }
}
