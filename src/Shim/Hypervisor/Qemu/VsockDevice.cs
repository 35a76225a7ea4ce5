namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>vhost-vsock with the /dev/vhost-vsock fd the shim opened and the guest CID it reserved.</summary>
public sealed record VsockDevice(uint GuestCid, int VhostFd, bool DisableModern) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments) =>
        arguments.Device($"vhost-vsock-pci,disable-modern={QemuValues.Bool(DisableModern)},vhostfd={VhostFd},id=vsock-{GuestCid},guest-cid={GuestCid}");
}
