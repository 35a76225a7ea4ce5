namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>vhost-user-fs connected to virtiofsd's socket; its memory must be shared (see <see cref="GuestMemoryBackend"/>).</summary>
public sealed record VirtioFsDevice(string SocketPath, string Tag, string CharId, uint QueueSize, uint CacheSizeMiB) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        arguments.Chardev($"socket,id={CharId},path={SocketPath}");
        string device = $"vhost-user-fs-pci,chardev={CharId},tag={Tag},queue-size={QueueSize}";
        arguments.Device(CacheSizeMiB > 0 ? $"{device},cache-size={CacheSizeMiB}M" : device);
    }
}
