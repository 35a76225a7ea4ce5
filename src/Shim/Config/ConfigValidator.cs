using System.Text.RegularExpressions;

namespace AotShim.Shim.Config;

/// <summary>Enums, ranges and list syntax that make a configuration unusable on any host.</summary>
public static class ConfigValidator
{
    private const string Qemu = "hypervisor." + Configuration.HypervisorTable;
    private const string Agent = "agent." + Configuration.AgentTable;
    private const string Runtime = "runtime";

    public static IReadOnlyList<ConfigProblem> Problems(Configuration configuration)
    {
        var problems = new List<ConfigProblem>();
        QemuConfig h = configuration.Hypervisor;

        OneOf(problems, Qemu, "block_device_driver", h.BlockDeviceDriver, ConfigRules.BlockDeviceDrivers);
        OneOf(problems, Qemu, "block_device_aio", h.BlockDeviceAio, ConfigRules.BlockDeviceAio);
        OneOf(problems, Qemu, "shared_fs", h.SharedFs, ConfigRules.SharedFs);
        OneOf(problems, Qemu, "virtio_fs_cache", h.VirtioFsCache, ConfigRules.VirtioFsCache);
        OneOf(problems, Qemu, "machine_type", h.MachineType, ConfigRules.MachineTypes);
        OneOf(problems, Qemu, "accelerator", h.Accelerator, ConfigRules.Accelerators);
        OneOf(problems, Qemu, "rootfs_type", h.RootfsType, ConfigRules.RootfsTypes);
        OneOf(problems, Qemu, "hot_plug_vfio", h.HotPlugVfio, ConfigRules.VfioPorts);
        OneOf(problems, Qemu, "cold_plug_vfio", h.ColdPlugVfio, ConfigRules.VfioPorts);
        OneOf(problems, Agent, "transport", configuration.Agent.Transport, ConfigRules.AgentTransports);
        OneOf(problems, Runtime, "internetworking_model", configuration.Runtime.InternetworkingModel, ConfigRules.InternetworkingModels);
        OneOf(problems, Runtime, "vfio_mode", configuration.Runtime.VfioMode, ConfigRules.VfioModes);

        if (h.DefaultMaxVcpus > 0 && h.DefaultVcpus > h.DefaultMaxVcpus)
        {
            problems.Add(new(Qemu, "default_vcpus", $"default_vcpus = {h.DefaultVcpus} exceeds default_maxvcpus = {h.DefaultMaxVcpus}"));
        }

        if (h.DefaultMemory < ConfigRules.MinMemoryMiB)
        {
            problems.Add(new(Qemu, "default_memory", $"default_memory = {h.DefaultMemory} MiB is below the minimum of {ConfigRules.MinMemoryMiB} MiB"));
        }

        if (h.DefaultMaxMemory != 0 && h.DefaultMaxMemory < h.DefaultMemory)
        {
            problems.Add(new(Qemu, "default_maxmemory", $"default_maxmemory = {h.DefaultMaxMemory} MiB is below default_memory = {h.DefaultMemory} MiB"));
        }

        if (h.MemorySlots > ConfigRules.MaxMemorySlots)
        {
            problems.Add(new(Qemu, "memory_slots", $"memory_slots = {h.MemorySlots} exceeds QEMU's limit of {ConfigRules.MaxMemorySlots}"));
        }

        if (h.DefaultBridges > ConfigRules.MaxBridges)
        {
            problems.Add(new(Qemu, "default_bridges", $"default_bridges = {h.DefaultBridges} exceeds the maximum of {ConfigRules.MaxBridges} PCI bridges"));
        }

        if (h.Msize9p is < ConfigRules.MinMsize9p or > ConfigRules.MaxMsize9p)
        {
            problems.Add(new(Qemu, "msize_9p", $"msize_9p = {h.Msize9p} is outside {ConfigRules.MinMsize9p}..{ConfigRules.MaxMsize9p}"));
        }

        if (h.Image.Length > 0 && h.Initrd.Length > 0)
        {
            problems.Add(new(Qemu, "initrd", "both image and initrd are set; configure one guest root filesystem"));
        }
        else if (h.Image.Length == 0 && h.Initrd.Length == 0)
        {
            problems.Add(new(Qemu, "image", "neither image nor initrd is set; configure the guest root filesystem"));
        }

        if (h.GuestHookPath.Length > 0 && !Path.IsPathFullyQualified(h.GuestHookPath))
        {
            problems.Add(new(Qemu, "guest_hook_path", $"guest_hook_path = \"{h.GuestHookPath}\" is not an absolute path in the guest"));
        }

        for (int i = 0; i < h.EnableAnnotations.Count; i++)
        {
            if (!IsRegex(h.EnableAnnotations[i], out string? error))
            {
                problems.Add(new(Qemu, "enable_annotations", $"enable_annotations[{i}] = \"{h.EnableAnnotations[i]}\" is not a valid regular expression: {error}"));
            }
        }

        foreach (var (key, globs) in ValidPathLists(h))
        {
            foreach (string glob in globs.Where(g => !PathGlob.IsValid(g)))
            {
                problems.Add(new(Qemu, key, $"{key} entry \"{glob}\" is not a valid glob pattern"));
            }
        }

        foreach (string mount in configuration.Runtime.SandboxBindMounts.Where(m => !Path.IsPathFullyQualified(m)))
        {
            problems.Add(new(Runtime, "sandbox_bind_mounts", $"sandbox_bind_mounts entry \"{mount}\" is not an absolute path"));
        }

        foreach (string feature in configuration.Runtime.Experimental.Where(f => !ConfigRules.ExperimentalFeatures.Contains(f)))
        {
            problems.Add(new(Runtime, "experimental", $"experimental feature \"{feature}\" is not supported"));
        }

        if (configuration.Agent.KernelModules.Any(m => m.Trim().Length == 0))
        {
            problems.Add(new(Agent, "kernel_modules", "kernel_modules has an empty entry"));
        }

        return problems;
    }

    /// <summary>Every valid_* list with the key it is read from.</summary>
    public static IEnumerable<(string Key, IReadOnlyList<string> Globs)> ValidPathLists(QemuConfig h) =>
    [
        ("valid_hypervisor_paths", h.ValidHypervisorPaths),
        ("valid_jailer_paths", h.ValidJailerPaths),
        ("valid_ctlpaths", h.ValidCtlPaths),
        ("valid_virtio_fs_daemon_paths", h.ValidVirtioFsDaemonPaths),
        ("valid_vhost_user_store_paths", h.ValidVhostUserStorePaths),
        ("valid_file_mem_backends", h.ValidFileMemBackends),
        ("valid_entropy_sources", h.ValidEntropySources),
        ("valid_kernel_paths", h.ValidKernelPaths),
        ("valid_image_paths", h.ValidImagePaths),
        ("valid_initrd_paths", h.ValidInitrdPaths),
        ("valid_firmware_paths", h.ValidFirmwarePaths),
    ];

    /// <summary>Throws one exception listing every problem, each at the file:line that set the key.</summary>
    internal static void ThrowIfInvalid(Configuration configuration, IReadOnlyList<(string Path, string Text)> sources)
    {
        IReadOnlyList<ConfigProblem> problems = Problems(configuration);
        if (problems.Count == 0)
        {
            return;
        }

        var locators = sources.Select(s => (s.Path, Locator: new TomlKeyLocator(s.Text, s.Path))).Reverse().ToList();
        IEnumerable<string> lines = problems.Select(problem =>
        {
            foreach (var (path, locator) in locators)
            {
                if (locator.Find(problem.Table, problem.Key) is { } at)
                {
                    return $"{path}:{at.Line}:{at.Column}: {TomlKeyLocator.Describe(problem.Table, problem.Key)}: {problem.Message}";
                }
            }

            return $"{sources[0].Path}: {TomlKeyLocator.Describe(problem.Table, problem.Key)} (default): {problem.Message}";
        });
        throw new ConfigException("invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", lines));
    }

    internal static bool IsRegex(string pattern, out string? error)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }

    private static void OneOf(List<ConfigProblem> problems, string table, string key, string value, string[] allowed)
    {
        if (!allowed.Contains(value))
        {
            problems.Add(new(table, key, $"{key} = \"{value}\" is not supported; expected {ConfigRules.OneOf(allowed)}"));
        }
    }
}
