using System.Runtime.InteropServices;

namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    /// <summary>getfd: passes <paramref name="descriptor"/> to QEMU over the QMP socket (SCM_RIGHTS) under <paramref name="name"/>.</summary>
    public ValueTask GetFdAsync(string name, SafeHandle descriptor, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteWithDescriptorAsync("getfd", new SingleArgument(SingleArgument.FdName, name), descriptor, timeout, ct);

    /// <summary>closefd: drops a descriptor passed with getfd that no backend consumed.</summary>
    public ValueTask CloseFdAsync(string name, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteAsync("closefd", new SingleArgument(SingleArgument.FdName, name), timeout, ct);

    /// <summary>netdev_add of a tap backend over descriptors already passed with getfd.</summary>
    public ValueTask NetdevAddAsync(TapNetdev netdev, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteAsync("netdev_add", netdev, timeout, ct);

    /// <summary>netdev_del: only after the device using it is gone.</summary>
    public ValueTask NetdevDelAsync(string id, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteAsync("netdev_del", new SingleArgument(SingleArgument.Id, id), timeout, ct);

    /// <summary>
    /// Hot-plugs a tap interface: getfd for every queue (and vhost-net) descriptor, netdev_add of the tap backend
    /// <paramref name="device"/>.Netdev, then device_add of the virtio-net-pci device; what was added is undone on refusal.
    /// The caller keeps its own descriptors (QEMU received duplicates) and may close them afterwards.
    /// </summary>
    public async ValueTask HotplugTapAsync(
        VirtioNetDevice device, IReadOnlyList<SafeHandle> tapQueues, IReadOnlyList<SafeHandle> vhostDescriptors, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        string netdev = device.Netdev;
        var passed = new List<string>(tapQueues.Count + vhostDescriptors.Count);
        try
        {
            string[] tapNames = await PassAsync(tapQueues, netdev + "-tap", passed, timeout, ct).ConfigureAwait(false);
            string[] vhostNames = await PassAsync(vhostDescriptors, netdev + "-vhost", passed, timeout, ct).ConfigureAwait(false);
            await NetdevAddAsync(new TapNetdev(netdev, tapNames) { Vhost = vhostNames.Length > 0, VhostFdNames = vhostNames }, timeout, ct).ConfigureAwait(false);
        }
        catch (QmpException)
        {
            // netdev_add takes the descriptors it used; closefd of those answers "not found" and is ignored.
            foreach (string name in passed)
            {
                await RollBackAsync("closefd", new SingleArgument(SingleArgument.FdName, name), ct).ConfigureAwait(false);
            }

            throw;
        }

        try
        {
            await DeviceAddAsync(device, timeout, ct).ConfigureAwait(false);
        }
        catch (QmpException)
        {
            await RollBackAsync("netdev_del", new SingleArgument(SingleArgument.Id, netdev), ct).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>device_del, DEVICE_DELETED, then netdev_del of its tap backend.</summary>
    public async ValueTask UnplugNetDeviceAsync(string deviceId, string netdevId, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        await DeviceDelAsync(deviceId, timeout, ct).ConfigureAwait(false);
        await NetdevDelAsync(netdevId, timeout, ct).ConfigureAwait(false);
    }

    private async ValueTask<string[]> PassAsync(IReadOnlyList<SafeHandle> descriptors, string prefix, List<string> passed, TimeSpan? timeout, CancellationToken ct)
    {
        string[] names = new string[descriptors.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await GetFdAsync(names[i], descriptors[i], timeout, ct).ConfigureAwait(false);
            passed.Add(names[i]);
        }

        return names;
    }
}
