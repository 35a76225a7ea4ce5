using AotShim.Kvm;
using AotShim.Shim.Config;

namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>The guest kernel's parameters in kata's order: arch, root device, console, systemd, agent, then the user's.</summary>
public static class KernelCommandLine
{
    private static readonly string[] X64 =
    [
        "tsc=reliable", "no_timer_check", "rcupdate.rcu_expedited=1", "i8042.direct=1", "i8042.dumbkbd=1", "i8042.nopnp=1",
        "i8042.noaux=1", "noreplace-smp", "reboot=k", "cryptomgr.notests", "net.ifnames=0", "pci=lastbus=0",
    ];

    private static readonly string[] Arm64 = ["iommu.passthrough=0"];

    public static string Build(Configuration configuration, HostArchitecture architecture, RootDevice root, uint maxVcpus)
    {
        QemuConfig h = configuration.Hypervisor;
        var parameters = new List<string>(architecture == HostArchitecture.Arm64 ? Arm64 : X64);
        parameters.AddRange(RootParameters(root, h.RootfsType));
        parameters.AddRange(h.UseLegacySerial ? ["console=ttyS0"] : ["console=hvc0", "console=hvc1"]);
        parameters.AddRange(["quiet", "systemd.show_status=false", "panic=1", $"nr_cpus={maxVcpus}"]);
        if (h.DisableGuestSelinux)
        {
            parameters.Add("selinux=0");
        }

        if (root != RootDevice.Initrd)
        {
            parameters.AddRange(["systemd.unit=kata-containers.target", "systemd.mask=systemd-networkd.service", "systemd.mask=systemd-networkd.socket"]);
        }

        if (h.BlockDeviceDriver == "virtio-scsi")
        {
            parameters.Add("scsi_mod.scan=none");
        }

        if (configuration.Agent.DebugConsoleEnabled)
        {
            parameters.AddRange(["agent.debug_console", "agent.debug_console_vport=1026"]);
        }

        if (configuration.Agent.EnableDebug)
        {
            parameters.Add("agent.log=debug");
        }

        parameters.AddRange(h.KernelParams.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return string.Join(' ', parameters.Distinct(StringComparer.Ordinal));
    }

    private static IEnumerable<string> RootParameters(RootDevice root, string fsType)
    {
        string ext4Flags = root == RootDevice.Pmem ? "rootflags=dax,data=ordered,errors=remount-ro" : "rootflags=data=ordered,errors=remount-ro";
        return root switch
        {
            RootDevice.Initrd => [],
            _ => [root == RootDevice.Pmem ? "root=/dev/pmem0p1" : "root=/dev/vda1", .. fsType == "ext4" ? [ext4Flags] : Array.Empty<string>(), "ro", "rootfstype=" + fsType],
        };
    }
}
