namespace AotShim.Qmp;

/// <summary>query-status: the run state ("prelaunch", "running", "paused", "shutdown", ...) and whether vCPUs run.</summary>
public sealed record QmpStatus(string Status, bool Running);
