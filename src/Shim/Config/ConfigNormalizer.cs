namespace AotShim.Shim.Config;

/// <summary>Kata's rule that a zero or empty value in the file means "use the default".</summary>
internal static class ConfigNormalizer
{
    private static readonly QemuConfig QemuDefaults = new();
    private static readonly AgentConfig AgentDefaults = new();
    private static readonly RuntimeConfig RuntimeDefaults = new();
    private static readonly FactoryConfig FactoryDefaults = new();

    public static Configuration Normalize(Configuration configuration)
    {
        QemuConfig h = configuration.Hypervisor;
        return configuration with
        {
            Hypervisor = h with
            {
                Path = Or(h.Path, QemuDefaults.Path),
                Kernel = Or(h.Kernel, QemuDefaults.Kernel),
                MachineType = Or(h.MachineType, QemuDefaults.MachineType),
                Accelerator = Or(h.Accelerator, QemuDefaults.Accelerator),
                BlockDeviceDriver = Or(h.BlockDeviceDriver, QemuDefaults.BlockDeviceDriver),
                BlockDeviceAio = Or(h.BlockDeviceAio, QemuDefaults.BlockDeviceAio),
                EntropySource = Or(h.EntropySource, QemuDefaults.EntropySource),
                SharedFs = Or(h.SharedFs, QemuDefaults.SharedFs),
                VirtioFsCache = Or(h.VirtioFsCache, QemuDefaults.VirtioFsCache),
                VhostUserStorePath = Or(h.VhostUserStorePath, QemuDefaults.VhostUserStorePath),
                HotPlugVfio = Or(h.HotPlugVfio, QemuDefaults.HotPlugVfio),
                ColdPlugVfio = Or(h.ColdPlugVfio, QemuDefaults.ColdPlugVfio),
                RootfsType = Or(h.RootfsType, QemuDefaults.RootfsType),
                CpuFeatures = CommaList(h.CpuFeatures),
                MachineAccelerators = CommaList(h.MachineAccelerators),
                DefaultVcpus = h.DefaultVcpus == 0 ? QemuDefaults.DefaultVcpus : h.DefaultVcpus,
                DefaultMemory = Or(h.DefaultMemory, QemuDefaults.DefaultMemory),
                MemorySlots = Or(h.MemorySlots, QemuDefaults.MemorySlots),
                DefaultBridges = Or(h.DefaultBridges, QemuDefaults.DefaultBridges),
                Msize9p = Or(h.Msize9p, QemuDefaults.Msize9p),
                VirtioFsQueueSize = Or(h.VirtioFsQueueSize, QemuDefaults.VirtioFsQueueSize),
            },
            Agent = configuration.Agent with
            {
                DialTimeout = Or(configuration.Agent.DialTimeout, AgentDefaults.DialTimeout),
                Transport = Or(configuration.Agent.Transport, AgentDefaults.Transport),
            },
            Runtime = configuration.Runtime with
            {
                InternetworkingModel = Or(configuration.Runtime.InternetworkingModel, RuntimeDefaults.InternetworkingModel),
                VfioMode = Or(configuration.Runtime.VfioMode, RuntimeDefaults.VfioMode),
                CreateContainerTimeout = Or(configuration.Runtime.CreateContainerTimeout, RuntimeDefaults.CreateContainerTimeout),
            },
            Factory = configuration.Factory with
            {
                TemplatePath = Or(configuration.Factory.TemplatePath, FactoryDefaults.TemplatePath),
                VmCacheEndpoint = Or(configuration.Factory.VmCacheEndpoint, FactoryDefaults.VmCacheEndpoint),
            },
        };
    }

    private static string Or(string value, string fallback) => value.Length == 0 ? fallback : value;

    private static uint Or(uint value, uint fallback) => value == 0 ? fallback : value;

    /// <summary>kata trims each element of cpu_features and machine_accelerators and drops empty ones.</summary>
    private static string CommaList(string value) =>
        string.Join(',', value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
