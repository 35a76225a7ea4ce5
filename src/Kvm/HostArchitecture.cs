using System.Runtime.InteropServices;

namespace AotShim.Kvm;

public enum HostArchitecture
{
    X64,
    Arm64,
}

public static class HostArchitectures
{
    public static HostArchitecture Current => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.Arm64 => HostArchitecture.Arm64,
        Architecture.X64 => HostArchitecture.X64,
        var other => throw new PlatformNotSupportedException($"architecture {other} is not supported (x86_64 and arm64 only)"),
    };

    /// <summary>The name the kernel and QEMU use (uname -m).</summary>
    public static string KernelName(this HostArchitecture architecture) =>
        architecture == HostArchitecture.Arm64 ? "aarch64" : "x86_64";
}
