using AotShim.Shim.Agent;
using AotShim.Shim.Ttrpc;

namespace AotShim.Shim.Sandbox.Vm;

/// <summary>
/// A process in the guest, as kata's shim sees it: every call goes to the agent, and its pid is QEMU's (the host has
/// no pid for it). It has exited when WaitProcess answers, or with 255 when the VM or the agent connection is gone.
/// </summary>
internal sealed class VmProcess(PodVm vm, string containerId, string execId, ProcessStdio stdio, Func<CancellationToken, ValueTask> start, Action<string, string> log) : IProcess
{
    /// <summary>Kata's status for a process whose VM died under it.</summary>
    private const uint LostStatus = 255;

    /// <summary>The agent ends the output streams right after the exit; this only bounds a misbehaving one.</summary>
    private static readonly TimeSpan OutputDrain = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AgentStdio _stdio = new(vm.Agent, containerId, execId, stdio);
    private int _started;

    public string Id => execId;

    public int Pid => vm.Qemu.Pid;

    public Task<ProcessExit> Exited => _exited.Task;

    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await start(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // It will never run: containerd must be able to delete it without waiting for an exit.
            _exited.TrySetResult(new ProcessExit(LostStatus, DateTimeOffset.UtcNow));
            throw;
        }

        Volatile.Write(ref _started, 1);
        _stdio.Start(CancellationToken.None);
        _ = WaitAsync();
    }

    /// <summary>A process never started has nothing running to wait for: it ends at once with the signal's status.</summary>
    public async ValueTask KillAsync(int signal, bool all, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started) == 1)
        {
            await vm.Agent.SignalProcessAsync(containerId, execId, signal, cancellationToken).ConfigureAwait(false);
            return;
        }

        _exited.TrySetResult(new ProcessExit((uint)(128 + signal), DateTimeOffset.UtcNow));
    }

    public ValueTask ResizePtyAsync(uint width, uint height, CancellationToken cancellationToken) =>
        vm.Agent.TtyWinResizeAsync(containerId, execId, rows: height, columns: width, cancellationToken);

    /// <summary>
    /// With a stdin fifo, the guest's stdin closes once what containerd wrote has been delivered, even when CloseIO
    /// overtakes the copy's start; without one, now.
    /// </summary>
    public async ValueTask CloseStdinAsync(CancellationToken cancellationToken)
    {
        if (stdio.Stdin.Length == 0)
        {
            await vm.Agent.CloseStdinAsync(containerId, execId, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _stdio.CloseInputAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitAsync()
    {
        uint status;
        try
        {
            status = (uint)await vm.Agent.WaitProcessAsync(containerId, execId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TtrpcException)
        {
            status = LostStatus;
        }

        await _stdio.Output.WaitAsync(OutputDrain).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_stdio.Output.Exception?.GetBaseException() is { } failure)
        {
            log("warning", $"container {containerId} exec {execId}: copying its output to containerd failed: {failure.Message}");
        }
        _exited.TrySetResult(new ProcessExit(status, DateTimeOffset.UtcNow));
    }
}
