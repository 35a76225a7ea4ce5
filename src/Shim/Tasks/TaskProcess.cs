using AotShim.Shim.Sandbox;

namespace AotShim.Shim.Tasks;

/// <summary>The task service's view of one process: the sandbox's process plus what State must report.</summary>
internal sealed class TaskProcess(IProcess process, ProcessStdio stdio)
{
    public IProcess Process { get; } = process;

    public ProcessStdio Stdio { get; } = stdio;

    public bool Started { get; set; }

    public bool Paused { get; set; }

    /// <summary>The TaskExit publication, which Delete waits for; complete for a process never started.</summary>
    public Task ExitPublished { get; set; } = Task.CompletedTask;

    public Containerd.V1.Types.Status Status => Process.Exited.IsCompleted
        ? Containerd.V1.Types.Status.Stopped
        : Paused ? Containerd.V1.Types.Status.Paused
        : Started ? Containerd.V1.Types.Status.Running
        : Containerd.V1.Types.Status.Created;
}
