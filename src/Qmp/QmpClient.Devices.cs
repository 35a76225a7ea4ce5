namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    /// <summary>device_add with the device's driver and properties.</summary>
    public ValueTask DeviceAddAsync<TDevice>(TDevice device, TimeSpan? timeout = null, CancellationToken ct = default)
        where TDevice : IQmpDevice =>
        ExecuteAsync("device_add", device, timeout, ct);

    /// <summary>
    /// device_del, then waits for the DEVICE_DELETED naming the device: only then is it gone and its backend free.
    /// Under ACPI PCI hotplug (q35's default) that takes a guest that handles the eject request.
    /// </summary>
    public async ValueTask DeviceDelAsync(string id, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        using QmpEventWaiter deleted = ExpectDeviceDeleted(id);
        await ExecuteAsync("device_del", new SingleArgument(SingleArgument.Id, id), timeout, ct).ConfigureAwait(false);
        await deleted.WaitAsync(timeout, ct).ConfigureAwait(false);
    }

    /// <summary>A wait for the DEVICE_DELETED of device <paramref name="id"/> (QEMU also emits ones naming only a child path).</summary>
    public QmpEventWaiter ExpectDeviceDeleted(string id) =>
        ExpectEvent("DEVICE_DELETED", deleted => deleted.DataString("device") == id, $"DEVICE_DELETED for device '{id}'");

    /// <summary>Undoes a half-done hotplug; a failure here must not hide the error that caused it.</summary>
    private async ValueTask RollBackAsync(string command, SingleArgument argument, CancellationToken ct)
    {
        try
        {
            await ExecuteAsync(command, argument, ct: ct).ConfigureAwait(false);
        }
        catch (QmpException)
        {
        }
    }
}
