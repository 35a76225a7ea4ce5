using AotShim.Native;

namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>How to start one QEMU: its binary, argv without argv[0], the fds it gets by number, and the sandbox log.</summary>
/// <param name="Fds">The vhost-vsock, tap queue, vhost-net and QMP socket fds at the numbers the arguments name; the caller still owns them and may close them once QEMU has started.</param>
/// <param name="LogPath">The sandbox log: QEMU's stdout and stderr are appended to it.</param>
public sealed record QemuLaunchSpec(string Binary, IReadOnlyList<string> Arguments, IReadOnlyList<FdMapping> Fds, string LogPath);
