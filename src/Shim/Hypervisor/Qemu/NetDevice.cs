namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>A multiqueue tap netdev from pre-opened fds and its virtio-net device (2 vectors per queue pair + 2).</summary>
public sealed record NetDevice(int Index, NetworkEndpoint Endpoint, bool Vhost, bool DisableModern) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        string id = "network-" + Index;
        string netdev = $"tap,id={id},vhost={QemuValues.OnOff(Vhost)}";
        if (Vhost)
        {
            netdev += ",vhostfds=" + string.Join(':', Endpoint.VhostFds);
        }

        arguments.Add("-netdev", netdev + ",fds=" + string.Join(':', Endpoint.TapFds));
        int queues = Endpoint.TapFds.Count;
        string device = $"driver=virtio-net-pci,netdev={id},mac={Endpoint.Mac},disable-modern={QemuValues.Bool(DisableModern)}";
        arguments.Device(queues > 1 ? $"{device},mq=on,vectors={2 * queues + 2}" : device);
    }
}
