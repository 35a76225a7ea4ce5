namespace AotShim.Shim.Hypervisor;

/// <summary>How the shim reaches the agent: vhost-vsock (production) or a virtio-serial port (hosts without vhost-vsock).</summary>
public abstract record AgentChannel;

public sealed record VsockAgentChannel(uint GuestCid, int VhostFd) : AgentChannel;

public sealed record SerialAgentChannel(string SocketPath) : AgentChannel;
