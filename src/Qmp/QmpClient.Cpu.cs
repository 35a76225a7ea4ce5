using System.Diagnostics;

namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    private const string CpuHotplug = "CPU hotplug";
    private static readonly TimeSpan CpuPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>query-hotpluggable-cpus; a machine that cannot hotplug CPUs throws <see cref="QmpNotSupportedException"/>.</summary>
    public async ValueTask<IReadOnlyList<HotpluggableCpu>> QueryHotpluggableCpusAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        try
        {
            return await ExecuteAsync("query-hotpluggable-cpus", QmpJsonContext.Default.HotpluggableCpuArray, timeout, ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            throw new QmpNotSupportedException(CpuHotplug, await QueryMachineAsync(timeout, ct).ConfigureAwait(false), e.Description, e);
        }
    }

    /// <summary>query-cpus-fast: the vCPUs that exist now.</summary>
    public async ValueTask<IReadOnlyList<CpuInfo>> QueryCpusFastAsync(TimeSpan? timeout = null, CancellationToken ct = default) =>
        await ExecuteAsync("query-cpus-fast", QmpJsonContext.Default.CpuInfoArray, timeout, ct).ConfigureAwait(false);

    /// <summary>
    /// Plugs one vCPU as device <paramref name="id"/> into the lowest free slot query-hotpluggable-cpus offers,
    /// returning that slot; a machine without hotpluggable CPUs throws <see cref="QmpNotSupportedException"/>.
    /// </summary>
    public async ValueTask<HotpluggableCpu> HotplugCpuAsync(string id, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        IReadOnlyList<HotpluggableCpu> slots = await QueryHotpluggableCpusAsync(timeout, ct).ConfigureAwait(false);
        if (slots.Count == 0)
        {
            throw new QmpNotSupportedException(CpuHotplug, await QueryMachineAsync(timeout, ct).ConfigureAwait(false), "query-hotpluggable-cpus lists no CPU slot");
        }

        HotpluggableCpu free = slots
            .Where(slot => slot.QomPath is null)
            .OrderBy(slot => (slot.Props.SocketId ?? -1, slot.Props.DieId ?? -1, slot.Props.ClusterId ?? -1, slot.Props.CoreId ?? -1, slot.Props.ThreadId ?? -1))
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"no free vCPU slot: all {slots.Count} possible CPUs are plugged (raise maxcpus)");
        await DeviceAddAsync(new CpuDevice(id, free.Type, free.Props), timeout, ct).ConfigureAwait(false);
        return free with { QomPath = PeripheralPath(id) };
    }

    /// <summary>
    /// device_del of a hot-plugged vCPU, confirmed by its disappearance from query-cpus-fast (its DEVICE_DELETED names
    /// the lapic child, not the CPU). The guest must have booted: before that QEMU refuses the request.
    /// </summary>
    public async ValueTask UnplugCpuAsync(string id, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        TimeSpan limit = timeout ?? _options.CommandTimeout;
        long started = Stopwatch.GetTimestamp();
        string path = PeripheralPath(id);
        await ExecuteAsync("device_del", new SingleArgument(SingleArgument.Id, id), limit, ct).ConfigureAwait(false);
        while ((await QueryCpusFastAsync(limit, ct).ConfigureAwait(false)).Any(cpu => cpu.QomPath == path))
        {
            if (Durations.Remaining(limit, started) == TimeSpan.Zero)
            {
                throw new TimeoutException($"vCPU '{id}' is still listed by query-cpus-fast {Durations.Describe(limit)} after device_del");
            }

            await Task.Delay(CpuPollInterval, ct).ConfigureAwait(false);
        }
    }

    private static string PeripheralPath(string id) => "/machine/peripheral/" + id;
}
