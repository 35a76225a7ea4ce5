using AotShim.Native;

namespace AotShim.Kvm;

/// <summary>The host devices a sandbox opens: vhost-vsock, vhost-net and tun.</summary>
internal static class DeviceChecks
{
    public static IEnumerable<HostCheckResult> Run(HostPaths paths, HostRequirements requirements)
    {
        yield return Probe("device.vhost_vsock", paths.VhostVsock) switch
        {
            null => HostCheckResult.Pass("device.vhost_vsock", $"{paths.VhostVsock} opened; the agent can use vsock"),
            var why when requirements.UseVsock => HostCheckResult.Fail("device.vhost_vsock", $"{why}; the vsock agent transport needs it (modprobe vhost_vsock)"),
            var why => HostCheckResult.Warn("device.vhost_vsock", $"{why}; the agent uses virtio-serial instead"),
        };

        yield return Probe("device.vhost_net", paths.VhostNet) switch
        {
            null => HostCheckResult.Pass("device.vhost_net", $"{paths.VhostNet} opened; taps get vhost-net acceleration"),
            var why when requirements.DisableVhostNet => HostCheckResult.Pass("device.vhost_net", $"{why}; disable_vhost_net is set"),
            var why => HostCheckResult.Warn("device.vhost_net", $"{why}; networking falls back to vhost=off (slower)"),
        };

        yield return Probe("device.tun", paths.Tun) switch
        {
            null => HostCheckResult.Pass("device.tun", $"{paths.Tun} opened; tap devices can be created"),
            var why => HostCheckResult.Fail("device.tun", $"{why}; sandboxes need tap devices (modprobe tun)"),
        };
    }

    /// <summary>Null when the device opens read-write, else why not.</summary>
    private static string? Probe(string name, string path)
    {
        using FileDescriptor? fd = Files.TryOpen(path, OpenFlags.ReadWrite, out int errno);
        return fd is null
            ? errno == Errnos.ENOENT ? $"{path} does not exist" : $"cannot open {path}: open: {NativeException.Describe(errno)}"
            : null;
    }
}
