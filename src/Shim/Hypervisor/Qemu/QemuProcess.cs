using AotShim.Native;

namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>A QEMU that is our child until it is reaped; disposing it leaves no process behind.</summary>
public sealed class QemuProcess : IAsyncDisposable
{
    private const int StderrTailBytes = 4096;

    private readonly ChildProcess _child;
    private readonly QemuLaunchSpec _spec;
    private readonly long _logStart;

    internal QemuProcess(ChildProcess child, QemuLaunchSpec spec, long logStart)
    {
        _child = child;
        _spec = spec;
        _logStart = logStart;
    }

    public int Pid => _child.Pid;

    /// <summary>Completes when QEMU has exited and been reaped: its exit code, or 128 + the signal that ended it.</summary>
    public Task<int> Exited => _child.Exited;

    public ValueTask<int> WaitForExitAsync(CancellationToken cancellationToken = default) => _child.WaitForExitAsync(cancellationToken);

    /// <summary>
    /// Returns once <paramref name="ready"/> (e.g. the QMP greeting) completes while QEMU still runs. If QEMU exits first
    /// or readiness fails, QEMU is ended and reaped and a <see cref="QemuStartException"/> carries its stderr; if the
    /// wait is cancelled, QEMU is ended too.
    /// </summary>
    public async ValueTask EnsureRunningAsync(Task ready, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAny(ready, Exited).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync().ConfigureAwait(false);
            throw;
        }

        if (Exited.IsCompleted)
        {
            throw Failure($"exited during start-up with status {await Exited.ConfigureAwait(false)}", null);
        }

        if (!ready.IsCompletedSuccessfully)
        {
            await KillAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw Failure("did not become ready", ready.Exception?.GetBaseException() ?? new TaskCanceledException(ready));
        }
    }

    /// <summary>Fails like <see cref="EnsureRunningAsync(Task, CancellationToken)"/> when QEMU exits within <paramref name="window"/>.</summary>
    public ValueTask EnsureRunningAsync(TimeSpan window, CancellationToken cancellationToken) =>
        EnsureRunningAsync(Task.Delay(window, cancellationToken), cancellationToken);

    /// <summary>SIGTERM, then SIGKILL when QEMU is still running after <paramref name="grace"/>; returns its exit status.</summary>
    public async ValueTask<int> StopAsync(TimeSpan grace)
    {
        _child.Signal(Signals.SIGTERM);
        try
        {
            return await Exited.WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _child.Signal(Signals.SIGKILL);
            return await Exited.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _child.Dispose();
    }

    private async ValueTask KillAsync()
    {
        if (!Exited.IsCompleted)
        {
            _child.Signal(Signals.SIGKILL);
        }

        // Only a failed waitid faults Exited, and then there is no child left to wait for.
        await ((Task)Exited).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private QemuStartException Failure(string what, Exception? inner)
    {
        string stderr = LogTail.Read(_spec.LogPath, _logStart, StderrTailBytes);
        string shown = stderr.Length == 0 ? "(nothing on stderr)" : stderr;
        return new QemuStartException($"{_spec.Binary} (pid {Pid}) {what}; its stderr: {shown}", Exited.Result, stderr, inner);
    }
}
