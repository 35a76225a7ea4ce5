using AotShim.Qmp;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Network;
using AotShim.Shim.Persist;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Sandbox.Vm;

/// <summary>The pod's network: connected at boot, configured in the guest, and hot-plugged when CNI adds to it later.</summary>
public sealed partial class PodVm
{
    /// <summary>A namespace CNI prepared is connected unless the configuration turns networking off.</summary>
    private string? ConnectsNetwork(string? netnsPath) =>
        string.IsNullOrEmpty(netnsPath) || Configuration.Runtime.DisableNewNetns || Configuration.Runtime.InternetworkingModel == InterworkingModels.None
            ? null
            : netnsPath;

    /// <summary>kata's order: each new interface, then the routes over all of them, then static neighbours.</summary>
    private async Task ConfigureGuestNetworkAsync(IEnumerable<PodEndpoint> added, CancellationToken ct)
    {
        foreach (PodEndpoint endpoint in added)
        {
            await Agent.UpdateInterfaceAsync(AgentNetwork.InterfaceOf(endpoint), ct).ConfigureAwait(false);
        }

        await Agent.UpdateRoutesAsync(AgentNetwork.RoutesOf(_network!.Endpoints), ct).ConfigureAwait(false);
        ARPNeighbors neighbours = AgentNetwork.NeighboursOf(added);
        if (neighbours.ARPNeighbors_.Count > 0)
        {
            await Agent.AddArpNeighborsAsync(neighbours, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Connects the veths CNI added to the pod's namespace since the VM booted: each new tap is hot-plugged (getfd,
    /// netdev_add, device_add on a free hotplug slot), then the agent configures it as at boot.
    /// </summary>
    public async Task RescanNetworkAsync(CancellationToken ct)
    {
        if (_network is null)
        {
            return;
        }

        IReadOnlyList<int> added = _network.Rescan();
        if (added.Count == 0)
        {
            return;
        }

        try
        {
            foreach (int index in added)
            {
                await HotplugInterfaceAsync(index, _network.TakeQueues(index), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _network.ReleaseQueues();
            SandboxStore.Write(State);
        }

        await ConfigureGuestNetworkAsync(added.Select(i => _network.Endpoints[i]), ct).ConfigureAwait(false);
    }

    private async Task HotplugInterfaceAsync(int index, QueueFds fds, CancellationToken ct)
    {
        (PciHotplugBus bus, int slot) = _slots!.TakePci();
        int queues = fds.Queues.Count;
        var device = new VirtioNetDevice("virtio-net-" + index, "network-" + index)
        {
            Mac = _network!.Endpoints[index].GuestMac,
            Mq = queues > 1,
            Vectors = queues > 1 ? 2 * queues + 2 : null,
            Bus = bus.Id,
            Addr = PciHotplugBus.Slot(slot),
        };
        try
        {
            await Qmp.HotplugTapAsync(device, fds.Queues, fds.Vhost, ct: ct).ConfigureAwait(false);
        }
        catch
        {
            _slots.ReleasePci(bus, slot);
            throw;
        }
    }
}
