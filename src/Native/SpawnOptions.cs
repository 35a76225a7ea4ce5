using System.Runtime.InteropServices;

namespace AotShim.Native;

/// <summary>
/// What a child process starts with, and nothing more: the environment is exactly <see cref="Environment"/>
/// (empty by default, so nothing of the shim's environment reaches the child), null stdio is /dev/null, and
/// only 0-2 and the <see cref="Fds"/> targets are open in the child.
/// </summary>
/// <param name="Path">Absolute path of the executable; no PATH search.</param>
/// <param name="Argv">The full argv, argv[0] included.</param>
public sealed record SpawnOptions(string Path, IReadOnlyList<string> Argv)
{
    /// <summary>"NAME=value" entries; empty unless the caller lists what the child needs.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>The child's working directory; null keeps the parent's.</summary>
    public string? WorkingDirectory { get; init; }

    public SafeHandle? StandardInput { get; init; }

    public SafeHandle? StandardOutput { get; init; }

    public SafeHandle? StandardError { get; init; }

    /// <summary>Start the child as the leader of a new session (setsid), detached from our terminal and process group.</summary>
    public bool NewSession { get; init; }

    /// <summary>Descriptors placed at chosen numbers (3 and up, each target once).</summary>
    public IReadOnlyList<FdMapping> Fds { get; init; } = [];
}
