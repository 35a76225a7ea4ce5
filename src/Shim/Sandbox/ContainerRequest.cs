namespace AotShim.Shim.Sandbox;

/// <summary>
/// What Create carries: the container id, its bundle (config.json, rootfs) and mounts, the init process's stdio, and
/// the runtime options' ConfigPath (CRI's per-runtime options), when given.
/// </summary>
public sealed record ContainerRequest(string Id, string Bundle, IReadOnlyList<RootfsMount> Rootfs, ProcessStdio Stdio, string? ConfigPath = null);

/// <summary>One entry of Create's rootfs mounts (type, source, options), mounted on the bundle's rootfs.</summary>
public sealed record RootfsMount(string Type, string Source, IReadOnlyList<string> Options);
