using AotShim.GuestAgent.Launch;
using AotShim.Native;
using Protocol = AotShim.Shim.Agent.Protocol;

namespace AotShim.GuestAgent.Processes;

/// <summary>
/// A container's init or exec process: its stdio exists from creation, it runs from <see cref="StartAsync"/>, and
/// <see cref="Exited"/> gives its status (exit code, or 128 + signal as a shell reports it). A process that is
/// signalled before it started never starts and ends with 128 + that signal; one that fails to start ends with 127.
/// </summary>
internal sealed class GuestProcess : IDisposable
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private ChildProcess? _child;
    private bool _starting;

    public GuestProcess(string containerId, string execId, Protocol.Process spec)
    {
        ContainerId = containerId;
        ExecId = execId;
        Spec = spec;
        Stdio = ProcessStdio.Create(spec.Terminal, $"container {containerId} exec {execId}");
    }

    public string ContainerId { get; }

    public string ExecId { get; }

    public Protocol.Process Spec { get; }

    public ProcessStdio Stdio { get; }

    /// <summary>0 until started.</summary>
    public int Pid => _child?.Pid ?? 0;

    public bool Started => _child is not null;

    public Task<int> Exited => _exited.Task;

    public async Task StartAsync(ExecPlan plan)
    {
        lock (_gate)
        {
            if (_starting || _exited.Task.IsCompleted)
            {
                throw new InvalidOperationException($"exec {ExecId} of container {ContainerId} was already started or has ended");
            }

            _starting = true;
        }

        try
        {
            ChildProcess child = await ProcessLauncher.StartAsync(plan, Stdio).ConfigureAwait(false);
            lock (_gate)
            {
                _child = child;
            }

            _ = child.Exited.ContinueWith(_exited.TrySetFromTask, TaskScheduler.Default);
        }
        catch
        {
            lock (_gate)
            {
                _starting = false;
                _exited.TrySetResult(127);
            }

            throw;
        }
        finally
        {
            Stdio.ReleaseChildEnds();
        }
    }

    /// <summary>Signals the process; false when it has already exited.</summary>
    public bool Signal(int signal)
    {
        ChildProcess? child;
        lock (_gate)
        {
            child = _child;
            if (child is null)
            {
                if (_starting)
                {
                    throw new InvalidOperationException($"exec {ExecId} of container {ContainerId} is being started");
                }

                if (_exited.Task.IsCompleted)
                {
                    return false;
                }

                if (signal != 0)
                {
                    Stdio.ReleaseChildEnds();
                    _exited.TrySetResult(128 + signal);
                }

                return true;
            }
        }

        return child.Signal(signal);
    }

    public void Dispose()
    {
        _child?.Dispose();
        Stdio.Dispose();
    }
}
