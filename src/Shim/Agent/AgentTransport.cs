using AotShim.Vsock;

namespace AotShim.Shim.Agent;

/// <summary>Which transport [agent.kata] transport resolves to on this host; the shim and `ecr-runtime check` agree through this.</summary>
public static class AgentTransport
{
    public const string Vsock = "vsock";
    public const string VirtioSerial = "virtio-serial";

    /// <summary>auto picks vsock exactly when /dev/vhost-vsock exists.</summary>
    public static string Resolve(string configured, bool vhostVsockExists) =>
        configured == "auto" ? (vhostVsockExists ? Vsock : VirtioSerial) : configured;

    public static string Resolve(string configured) => Resolve(configured, File.Exists(GuestCid.DevicePath));
}
