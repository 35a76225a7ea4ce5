namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>The QEMU binary with its argv (without argv[0]) and the guest kernel's command line in it.</summary>
public sealed record QemuCommandLine(string Binary, IReadOnlyList<string> Arguments, string KernelCommandLine);
