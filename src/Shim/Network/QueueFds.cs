using Microsoft.Win32.SafeHandles;

namespace AotShim.Shim.Network;

/// <summary>One interface's fds for QEMU: a tap (or macvtap) queue each, and a vhost-net fd per queue when vhost is used.</summary>
public sealed record QueueFds(IReadOnlyList<SafeFileHandle> Queues, IReadOnlyList<SafeFileHandle> Vhost);
