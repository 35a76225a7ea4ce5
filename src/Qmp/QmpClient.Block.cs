namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    /// <summary>blockdev-add of a raw node over a file node.</summary>
    public ValueTask BlockdevAddAsync(RawFileBlockdev blockdev, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteAsync("blockdev-add", blockdev, timeout, ct);

    /// <summary>blockdev-del: only once no device uses the node (QEMU answers "Node ... is in use" otherwise).</summary>
    public ValueTask BlockdevDelAsync(string nodeName, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteAsync("blockdev-del", new SingleArgument(SingleArgument.NodeName, nodeName), timeout, ct);

    /// <summary>blockdev-add then device_add of a <see cref="VirtioBlkDevice"/> or <see cref="ScsiHdDevice"/>; the node goes again if the device is refused.</summary>
    public async ValueTask HotplugBlockDeviceAsync<TDevice>(RawFileBlockdev blockdev, TDevice device, TimeSpan? timeout = null, CancellationToken ct = default)
        where TDevice : IQmpDevice
    {
        await BlockdevAddAsync(blockdev, timeout, ct).ConfigureAwait(false);
        try
        {
            await DeviceAddAsync(device, timeout, ct).ConfigureAwait(false);
        }
        catch (QmpException)
        {
            await RollBackAsync("blockdev-del", new SingleArgument(SingleArgument.NodeName, blockdev.NodeName), ct).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>device_del, DEVICE_DELETED, then blockdev-del: deleting the node earlier fails while the device holds it.</summary>
    public async ValueTask UnplugBlockDeviceAsync(string deviceId, string nodeName, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        await DeviceDelAsync(deviceId, timeout, ct).ConfigureAwait(false);
        await BlockdevDelAsync(nodeName, timeout, ct).ConfigureAwait(false);
    }
}
