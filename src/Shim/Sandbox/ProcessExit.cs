namespace AotShim.Shim.Sandbox;

/// <summary>How a process ended: its status as the task API reports it (exit code, or 128 + signal).</summary>
public sealed record ProcessExit(uint Status, DateTimeOffset At);
