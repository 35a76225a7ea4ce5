using System.Text.Json;

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

    /// <summary>
    /// A wait for the ACPI_DEVICE_OST of device <paramref name="id"/>: the guest's _OST answer to a hot-plug (a DIMM,
    /// a vCPU), sent once its kernel has handled the device; info.status 0 means it accepted it.
    /// </summary>
    public QmpEventWaiter ExpectAcpiDeviceOst(string id) =>
        ExpectEvent("ACPI_DEVICE_OST", ost => AcpiOstDevice(ost) == id, $"ACPI_DEVICE_OST for device '{id}'");

    /// <summary>ACPI_DEVICE_OST's info.status: 0 success, 1 non-specific failure, 0x80+ device-specific.</summary>
    public static int AcpiOstStatus(QmpEvent ost) =>
        ost.Data.TryGetProperty("info", out JsonElement info) && info.TryGetProperty("status", out JsonElement status) && status.TryGetInt32(out int value) ? value : -1;

    private static string? AcpiOstDevice(QmpEvent ost) =>
        ost.Data.ValueKind == JsonValueKind.Object && ost.Data.TryGetProperty("info", out JsonElement info) && info.ValueKind == JsonValueKind.Object
            && info.TryGetProperty("device", out JsonElement device) && device.ValueKind == JsonValueKind.String
            ? device.GetString()
            : null;

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
