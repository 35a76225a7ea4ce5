namespace AotShim.Shim.Annotations;

/// <summary>The io.katacontainers.* annotation names the runtime reads.</summary>
public static class AnnotationKeys
{
    public const string ConfigPath = "io.katacontainers.config_path";
    public const string BundlePath = "io.katacontainers.pkg.oci.bundle_path";
    public const string ContainerType = "io.katacontainers.pkg.oci.container_type";

    public const string HypervisorPrefix = "io.katacontainers.config.hypervisor.";
    public const string AgentPrefix = "io.katacontainers.config.agent.";
    public const string RuntimePrefix = "io.katacontainers.config.runtime.";
}
