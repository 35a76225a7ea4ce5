namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    /// <summary>device_add vfio-pci: the host function must be bound to vfio-pci and its IOMMU group free.</summary>
    public ValueTask HotplugVfioAsync(VfioPciDevice device, TimeSpan? timeout = null, CancellationToken ct = default) =>
        DeviceAddAsync(device, timeout, ct);

    /// <summary>device_del of a vfio-pci device, confirmed by DEVICE_DELETED; the host function is free only after it.</summary>
    public ValueTask UnplugVfioAsync(string id, TimeSpan? timeout = null, CancellationToken ct = default) =>
        DeviceDelAsync(id, timeout, ct);
}
