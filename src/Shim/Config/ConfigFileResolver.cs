namespace AotShim.Shim.Config;

/// <summary>
/// Picks the configuration file: annotation io.katacontainers.config_path &gt; shim option ConfigPath &gt;
/// ECR_CONF_FILE / KATA_CONF_FILE &gt; /etc/ecr &gt; /usr/share/defaults/ecr.
/// </summary>
public static class ConfigFileResolver
{
    public const string EcrEnvironmentVariable = "ECR_CONF_FILE";
    public const string KataEnvironmentVariable = "KATA_CONF_FILE";

    public static (string Path, ConfigSource Source) Resolve(
        string? annotationPath,
        string? optionPath,
        Func<string, string?> environment,
        IReadOnlyList<string>? defaultPaths = null)
    {
        if (!string.IsNullOrEmpty(annotationPath))
        {
            return (Explicit(annotationPath, $"annotation {Annotations.AnnotationKeys.ConfigPath}"), ConfigSource.Annotation);
        }

        if (!string.IsNullOrEmpty(optionPath))
        {
            return (Explicit(optionPath, "shim option ConfigPath"), ConfigSource.ShimOption);
        }

        foreach (string variable in new[] { EcrEnvironmentVariable, KataEnvironmentVariable })
        {
            string? value = environment(variable);
            if (!string.IsNullOrEmpty(value))
            {
                return (Explicit(value, "environment variable " + variable), ConfigSource.Environment);
            }
        }

        defaultPaths ??= [ConfigDefaults.EtcConfigPath, ConfigDefaults.SharedConfigPath];
        foreach (string path in defaultPaths)
        {
            if (File.Exists(path))
            {
                return (path, ConfigSource.Default);
            }
        }

        throw new ConfigException(
            $"no configuration file found; tried {string.Join(", ", defaultPaths)} " +
            $"(set {EcrEnvironmentVariable} or {KataEnvironmentVariable}, the shim option ConfigPath, or pass --config)");
    }

    private static string Explicit(string path, string origin) =>
        File.Exists(path)
            ? path
            : throw new ConfigException($"configuration file {path} (from {origin}) does not exist; tried {path}");
}
