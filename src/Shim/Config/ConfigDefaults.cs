using AotShim.Kvm;

namespace AotShim.Shim.Config;

/// <summary>Defaults that depend on the host architecture and where the RPM installs things.</summary>
public static class ConfigDefaults
{
    public static readonly string MachineType = MachineTypeFor(HostArchitectures.Current);

    public static readonly string HypervisorPath = "/usr/bin/qemu-system-" + HostArchitectures.Current.KernelName();

    public const string KernelPath = "/usr/share/ecr/vmlinuz.container";

    public const string EtcConfigPath = "/etc/ecr/configuration.toml";

    public const string SharedConfigPath = "/usr/share/defaults/ecr/configuration.toml";

    public static string MachineTypeFor(HostArchitecture architecture) =>
        architecture == HostArchitecture.Arm64 ? "virt" : "q35";
}
