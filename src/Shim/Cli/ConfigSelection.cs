using AotShim.Shim.Config;

namespace AotShim.Shim.Cli;

/// <summary>--config wins like the shim's ConfigPath option; otherwise the environment and default paths decide.</summary>
internal static class ConfigSelection
{
    public static (LoadedConfiguration Loaded, ConfigSource Source) Load(string? configOption)
    {
        var (path, source) = ConfigFileResolver.Resolve(annotationPath: null, configOption, Environment.GetEnvironmentVariable);
        return (ConfigLoader.Load(path), source);
    }
}
