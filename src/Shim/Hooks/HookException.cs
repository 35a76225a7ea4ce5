namespace AotShim.Shim.Hooks;

/// <summary>A hook that was refused, could not start or did not succeed; the message names the stage, the hook and its stderr.</summary>
public sealed class HookException(string stage, string path, string message, string stderr = "")
    : Exception(stderr.Length > 0 ? $"{message}; stderr: {stderr}" : message)
{
    public string Stage { get; } = stage;

    public string HookPath { get; } = path;

    /// <summary>What the hook wrote to stderr (its last 64 KiB), trailing whitespace trimmed.</summary>
    public string Stderr { get; } = stderr;
}
