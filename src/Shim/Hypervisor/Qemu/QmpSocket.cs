namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>-qmp: a unix socket QEMU listens on, either created by QEMU at a path or handed over as an fd.</summary>
public sealed record QmpSocket(QmpEndpoint Endpoint) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        string socket = Endpoint.Fd is int fd ? $"fd={fd}" : Endpoint.SocketPath!;
        arguments.Add("-qmp", $"unix:{socket},server=on,wait=off");
    }
}
