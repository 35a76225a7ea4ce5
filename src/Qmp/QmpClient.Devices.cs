using System.Diagnostics;
using System.Text.Json;

namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    /// <summary>How long a PCIe slot may refuse an unplug when no timeout is given: pciehp's button window is 5 s.</summary>
    private static readonly TimeSpan SlotBusyLimit = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan SlotBusyRetry = TimeSpan.FromMilliseconds(100);

    /// <summary>device_add with the device's driver and properties.</summary>
    public ValueTask DeviceAddAsync<TDevice>(TDevice device, TimeSpan? timeout = null, CancellationToken ct = default)
        where TDevice : IQmpDevice =>
        ExecuteAsync("device_add", device, timeout, ct);

    /// <summary>
    /// device_del, then waits for the DEVICE_DELETED naming the device: only then is it gone and its backend free.
    /// Under ACPI PCI hotplug (q35's default) that takes a guest that handles the eject request. A PCIe root port whose
    /// guest is still inside pciehp's 5 s window after the plug refuses with "guest is busy", so that is asked again.
    /// </summary>
    public async ValueTask DeviceDelAsync(string id, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        using QmpEventWaiter deleted = ExpectDeviceDeleted(id);
        long started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                await ExecuteAsync("device_del", new SingleArgument(SingleArgument.Id, id), timeout, ct).ConfigureAwait(false);
                break;
            }
            catch (QmpException e) when (IsSlotBusy(e) && Stopwatch.GetElapsedTime(started) < (timeout ?? SlotBusyLimit))
            {
                await Task.Delay(SlotBusyRetry, ct).ConfigureAwait(false);
            }
        }

        await deleted.WaitAsync(timeout, ct).ConfigureAwait(false);
    }

    /// <summary>QEMU's pcie_cap_slot_unplug_request_cb answer while the slot's power indicator blinks.</summary>
    private static bool IsSlotBusy(QmpException e) =>
        e.ErrorClass == "GenericError" && e.Description.Contains("guest is busy", StringComparison.Ordinal);

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
