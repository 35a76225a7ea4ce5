namespace AotShim.Shim.Tasks;

/// <summary>containerd's topics for task events (runtime/v2 runc shim's getTopic).</summary>
public static class TaskEventTopics
{
    public const string Create = "/tasks/create";
    public const string Start = "/tasks/start";
    public const string Delete = "/tasks/delete";
    public const string Exit = "/tasks/exit";
    public const string Oom = "/tasks/oom";
    public const string ExecAdded = "/tasks/exec-added";
    public const string ExecStarted = "/tasks/exec-started";
    public const string Paused = "/tasks/paused";
    public const string Resumed = "/tasks/resumed";
}
