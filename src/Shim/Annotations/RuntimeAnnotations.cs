using AotShim.Shim.Config;

namespace AotShim.Shim.Annotations;

/// <summary>io.katacontainers.config.runtime.*: each overrides one [runtime] key.</summary>
internal static class RuntimeAnnotations
{
    public static readonly AnnotationRule[] Rules =
    [
        Set("experimental", (r, v) => r with { Experimental = Experimental(v) }),
        Set("disable_guest_seccomp", (r, v) => r with { DisableGuestSeccomp = v.Bool() }),
        Set("disable_new_netns", (r, v) => r with { DisableNewNetns = v.Bool() }),
        Set("internetworking_model", (r, v) => r with { InternetworkingModel = v.OneOf(ConfigRules.InternetworkingModels) }),
        Set("sandbox_cgroup_only", (r, v) => r with { SandboxCgroupOnly = v.Bool() }),
        Set("enable_pprof", (r, v) => r with { EnablePprof = v.Bool() }),
    ];

    /// <summary>Space-separated feature names, each of which must be a known experimental feature.</summary>
    private static IReadOnlyList<string> Experimental(AnnotationValue value)
    {
        string[] features = value.Raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (string feature in features.Where(f => !ConfigRules.ExperimentalFeatures.Contains(f)))
        {
            throw value.Refuse($"experimental feature \"{feature}\" is not supported");
        }

        return features;
    }

    private static AnnotationRule Set(string name, Func<RuntimeConfig, AnnotationValue, RuntimeConfig> apply) =>
        new(name, (configuration, value) => configuration with { Runtime = apply(configuration.Runtime, value) });
}
