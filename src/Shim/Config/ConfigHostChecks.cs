using AotShim.Kvm;

namespace AotShim.Shim.Config;

/// <summary>What a valid configuration still needs from this particular host: its machine type and its files.</summary>
public static class ConfigHostChecks
{
    public static IEnumerable<HostCheckResult> Run(Configuration configuration, HostArchitecture architecture)
    {
        QemuConfig h = configuration.Hypervisor;
        string[] machines = architecture == HostArchitecture.Arm64 ? ConfigRules.MachineTypesArm64 : ConfigRules.MachineTypesX64;
        yield return machines.Contains(h.MachineType)
            ? HostCheckResult.Pass("config.machine_type", $"{h.MachineType} runs on {architecture.KernelName()}", h.MachineType)
            : HostCheckResult.Fail("config.machine_type", $"{h.MachineType} is not a {architecture.KernelName()} machine; expected {ConfigRules.OneOf(machines)}", h.MachineType);

        foreach (var (key, path) in UsedPaths(configuration))
        {
            yield return File.Exists(path) || Directory.Exists(path)
                ? HostCheckResult.Pass("config." + key, $"{path} exists", path)
                : HostCheckResult.Fail("config." + key, $"{path} does not exist", path);
        }
    }

    /// <summary>The host paths the configuration will open or execute when a sandbox starts.</summary>
    public static IEnumerable<(string Key, string Path)> UsedPaths(Configuration configuration)
    {
        QemuConfig h = configuration.Hypervisor;
        yield return ("path", h.Path);
        yield return ("kernel", h.Kernel);
        if (h.Image.Length > 0)
        {
            yield return ("image", h.Image);
        }

        if (h.Initrd.Length > 0)
        {
            yield return ("initrd", h.Initrd);
        }

        foreach (var (key, path) in new[] { ("firmware", h.Firmware), ("firmware_volume", h.FirmwareVolume), ("jailer_path", h.JailerPath), ("entropy_source", h.EntropySource), ("file_mem_backend", h.FileMemBackend) })
        {
            if (path.Length > 0)
            {
                yield return (key, path);
            }
        }

        for (int i = 0; i < h.Pflashes.Count; i++)
        {
            yield return ($"pflashes[{i}]", h.Pflashes[i]);
        }

        if (h.SharedFs is "virtio-fs" or "virtio-fs-nydus")
        {
            yield return ("virtio_fs_daemon", h.VirtioFsDaemon);
        }

        if (h.EnableVhostUserStore)
        {
            yield return ("vhost_user_store_path", h.VhostUserStorePath);
        }
    }
}
