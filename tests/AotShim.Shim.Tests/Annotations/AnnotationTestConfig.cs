using AotShim.Shim.Config;
using Tomlyn;
using Tomlyn.Model;

namespace AotShim.Shim.Tests.Annotations;

/// <summary>A valid configuration with every annotation enabled and every valid_* list pointing at one directory.</summary>
internal static class AnnotationTestConfig
{
    public static Configuration AllEnabled(string allowedDirectory)
    {
        string glob = allowedDirectory + "/*";
        return new Configuration
        {
            Hypervisor = new QemuConfig
            {
                Image = "/usr/share/ecr/ecr-containers.img",
                MachineType = "q35",
                EnableAnnotations = [".*"],
                ValidHypervisorPaths = [glob],
                ValidJailerPaths = [glob],
                ValidCtlPaths = [glob],
                ValidVirtioFsDaemonPaths = [glob],
                ValidVhostUserStorePaths = [glob],
                ValidFileMemBackends = [glob],
                ValidEntropySources = [glob],
                ValidKernelPaths = [glob],
                ValidImagePaths = [glob],
                ValidInitrdPaths = [glob],
                ValidFirmwarePaths = [glob],
            },
        };
    }

    /// <summary>The effective value of a key, read back through the TOML the configuration prints.</summary>
    public static string Effective(Configuration configuration, string section, string key)
    {
        TomlTable root = TomlValues.Parse(TomlSerializer.Serialize(configuration.ToFile(), ConfigTomlContext.Default.ConfigurationFile));
        return TomlValues.Canonical(TomlValues.Table(root, section)[key]);
    }
}
