namespace AotShim.Shim.Config;

/// <summary>Configuration that cannot be used; the message names the file, line and key.</summary>
public sealed class ConfigException(string message) : Exception(message)
{
}
