namespace AotShim.Shim.Sandbox;

/// <summary>A container's init or exec'd process, as the task API sees it.</summary>
public interface IProcess
{
    string Id { get; }

    /// <summary>0 until started.</summary>
    int Pid { get; }

    /// <summary>Completes once, when the process has exited and its output has been drained.</summary>
    Task<ProcessExit> Exited { get; }

    ValueTask StartAsync(CancellationToken cancellationToken);

    ValueTask KillAsync(int signal, bool all, CancellationToken cancellationToken);

    ValueTask ResizePtyAsync(uint width, uint height, CancellationToken cancellationToken);

    ValueTask CloseStdinAsync(CancellationToken cancellationToken);
}
