using System.Diagnostics;
using System.Globalization;

namespace AotShim.Qmp;

/// <summary>Timeouts as people read them in messages: "250 ms", "5 s".</summary>
internal static class Durations
{
    public static string Describe(TimeSpan duration) => duration == Timeout.InfiniteTimeSpan
        ? "forever"
        : duration < TimeSpan.FromSeconds(1)
            ? duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms"
            : duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    /// <summary>What is left of <paramref name="budget"/> since <paramref name="started"/> (a Stopwatch timestamp), never negative.</summary>
    public static TimeSpan Remaining(TimeSpan budget, long started) => budget == Timeout.InfiniteTimeSpan
        ? budget
        : TimeSpan.FromTicks(Math.Max(0, (budget - Stopwatch.GetElapsedTime(started)).Ticks));
}
