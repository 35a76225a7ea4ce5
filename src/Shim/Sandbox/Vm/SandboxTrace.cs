using System.Diagnostics;
using System.Text;

namespace AotShim.Shim.Sandbox.Vm;

/// <summary>Phase timings of one pod start, from the shim's own clock: each mark closes the phase that began at the previous one.</summary>
public sealed class SandboxTrace
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly List<(string Phase, TimeSpan Duration)> _phases = [];
    private long _last;

    public SandboxTrace() => _last = _started;

    public IReadOnlyList<(string Phase, TimeSpan Duration)> Phases => _phases;

    public void Mark(string phase)
    {
        long now = Stopwatch.GetTimestamp();
        _phases.Add((phase, Stopwatch.GetElapsedTime(_last, now)));
        _last = now;
    }

    /// <summary>One log line, e.g. "phases config=0.41ms dirs=0.90ms ... total=4321.00ms".</summary>
    public override string ToString()
    {
        var line = new StringBuilder("phases");
        foreach (var (phase, duration) in _phases)
        {
            line.Append(' ').Append(phase).Append('=').Append(duration.TotalMilliseconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).Append("ms");
        }

        line.Append(" total=").Append(Stopwatch.GetElapsedTime(_started, _last).TotalMilliseconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).Append("ms");
        return line.ToString();
    }
}
