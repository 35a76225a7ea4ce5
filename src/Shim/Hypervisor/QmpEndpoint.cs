namespace AotShim.Shim.Hypervisor;

/// <summary>The QMP socket: a path QEMU creates, or a listening socket the shim created and passes as an fd.</summary>
public sealed record QmpEndpoint(string? SocketPath, int? Fd);
