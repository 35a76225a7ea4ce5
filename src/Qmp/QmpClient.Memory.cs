namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    /// <summary>object-add of a memory backend.</summary>
    public ValueTask ObjectAddAsync(MemoryBackend backend, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteAsync("object-add", backend, timeout, ct);

    /// <summary>object-del: removes a backend no device uses any more.</summary>
    public ValueTask ObjectDelAsync(string id, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteAsync("object-del", new SingleArgument(SingleArgument.Id, id), timeout, ct);

    /// <summary>
    /// object-add of <paramref name="backend"/> then device_add of a <see cref="PcDimmDevice"/> or <see cref="VirtioMemDevice"/>
    /// over it; the backend is removed again when the device is refused. A machine without memory hotplug throws
    /// <see cref="QmpNotSupportedException"/>.
    /// </summary>
    public async ValueTask HotplugMemoryAsync<TDevice>(MemoryBackend backend, TDevice device, TimeSpan? timeout = null, CancellationToken ct = default)
        where TDevice : IQmpDevice
    {
        await ObjectAddAsync(backend, timeout, ct).ConfigureAwait(false);
        try
        {
            await DeviceAddAsync(device, timeout, ct).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            await RollBackAsync("object-del", new SingleArgument(SingleArgument.Id, backend.Id), ct).ConfigureAwait(false);
            if (IsMissingHotplugSupport(e))
            {
                throw new QmpNotSupportedException("memory hotplug", await QueryMachineAsync(timeout, ct).ConfigureAwait(false), e.Description, e);
            }

            throw;
        }
    }

    /// <summary>query-memory-devices: dimms, nvdimms and virtio-mem devices with their size and address.</summary>
    public async ValueTask<IReadOnlyList<MemoryDeviceInfo>> QueryMemoryDevicesAsync(TimeSpan? timeout = null, CancellationToken ct = default) =>
        await ExecuteAsync("query-memory-devices", QmpJsonContext.Default.MemoryDeviceInfoArray, timeout, ct).ConfigureAwait(false);

    /// <summary>device_del of a memory device, DEVICE_DELETED, then object-del of its backend. Guests often refuse.</summary>
    public async ValueTask UnplugMemoryAsync(string deviceId, string backendId, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        await DeviceDelAsync(deviceId, timeout, ct).ConfigureAwait(false);
        await ObjectDelAsync(backendId, timeout, ct).ConfigureAwait(false);
    }

    // QEMU says so only in prose, e.g. arm64 virt without ACPI GED: "memory hotplug is not enabled: missing acpi-ged device".
    private static bool IsMissingHotplugSupport(QmpException e) =>
        e.Description.Contains("hotplug is not enabled", StringComparison.OrdinalIgnoreCase)
        || e.Description.Contains("hotplug is not supported", StringComparison.OrdinalIgnoreCase)
        || e.Description.Contains("does not support hot", StringComparison.OrdinalIgnoreCase);
}
