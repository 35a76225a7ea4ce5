namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>The virtio-serial controller and the guest console on console.sock (the agent's serial port shares the controller).</summary>
public sealed record ConsoleDevice(string SocketPath, bool DisableModern) : IQemuDevice
{
    public const string SerialBus = "serial0";

    public void AppendTo(QemuArguments arguments)
    {
        arguments.Device($"virtio-serial-pci,disable-modern={QemuValues.Bool(DisableModern)},id={SerialBus}");
        arguments.Device("virtconsole,chardev=charconsole0,id=console0");
        arguments.Chardev($"socket,id=charconsole0,path={SocketPath},server=on,wait=off");
    }
}
