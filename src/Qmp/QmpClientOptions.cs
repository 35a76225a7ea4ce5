namespace AotShim.Qmp;

/// <summary>Limits of one QMP connection; every timeout can also be overridden per call.</summary>
public sealed record QmpClientOptions
{
    /// <summary>Connecting (the socket may not exist yet right after exec), the greeting and qmp_capabilities together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a command may wait for its answer, and device removals for DEVICE_DELETED.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A line from QEMU longer than this is a protocol error rather than unbounded buffering.</summary>
    public int MaxLineLength { get; init; } = 1024 * 1024;

    /// <summary>Events kept for <see cref="QmpClient.Events"/>; when nobody reads, the oldest are dropped.</summary>
    public int EventCapacity { get; init; } = 256;
}
