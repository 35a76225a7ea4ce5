namespace AotShim.Qmp;

/// <summary>An event's "timestamp": host wall-clock time when QEMU emitted it.</summary>
internal sealed record QmpTimestamp(long Seconds, long Microseconds)
{
    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.FromUnixTimeSeconds(Seconds).AddTicks(Microseconds * 10);
}
