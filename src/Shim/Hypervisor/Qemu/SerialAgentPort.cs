namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>The agent channel as a virtserialport where vhost-vsock is unavailable; the guest opens agent.channel.0.</summary>
public sealed record SerialAgentPort(string SocketPath) : IQemuDevice
{
    public const string PortName = "agent.channel.0";

    public void AppendTo(QemuArguments arguments)
    {
        arguments.Chardev($"socket,id=charagent0,path={SocketPath},server=on,wait=off");
        arguments.Device($"virtserialport,bus={ConsoleDevice.SerialBus}.0,chardev=charagent0,id=channel0,name={PortName}");
    }
}
