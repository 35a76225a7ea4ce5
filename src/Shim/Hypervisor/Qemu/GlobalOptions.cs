namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>No display, no default devices or user config, no reboot, and -daemonize only in the seed's launch mode.</summary>
public sealed record GlobalOptions(bool Daemonize) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        arguments.Add("-vga", "none").Flag("-no-user-config").Flag("-nodefaults").Flag("-nographic").Flag("--no-reboot");
        if (Daemonize)
        {
            arguments.Flag("-daemonize");
        }
    }
}
