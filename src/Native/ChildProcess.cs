using System.Runtime.InteropServices;

namespace AotShim.Native;

/// <summary>
/// A child started by <see cref="ProcessSpawner"/>, held through a pidfd so a recycled pid can never be signalled.
/// One dedicated thread per child blocks in waitid(P_PIDFD) and reaps it, whether or not anyone waits.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private const int NoSuchProcess = 3;

    // The waiter only calls waitid; a small stack is plenty.
    private const int WaiterStackSize = 128 * 1024;

    private readonly FileDescriptor _pidfd;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ChildProcess(int pid, FileDescriptor pidfd)
    {
        Pid = pid;
        _pidfd = pidfd;

        // The waiter's own reference keeps the pidfd open until the child is reaped, even after Dispose.
        bool added = false;
        _pidfd.DangerousAddRef(ref added);
        new Thread(WaitForExit, WaiterStackSize) { IsBackground = true, Name = "pidfd " + pid }.UnsafeStart();
    }

    public int Pid { get; }

    /// <summary>The pidfd: it polls readable once the child has exited.</summary>
    internal FileDescriptor Pidfd => _pidfd;

    /// <summary>Completes once the child is reaped: its exit code, or 128 + the signal that killed it.</summary>
    public Task<int> Exited => _exited.Task;

    public ValueTask<int> WaitForExitAsync(CancellationToken cancellationToken = default) =>
        _exited.Task.IsCompleted ? new ValueTask<int>(_exited.Task) : new ValueTask<int>(_exited.Task.WaitAsync(cancellationToken));

    /// <summary>Sends a signal; false when the child has already been reaped.</summary>
    public bool Signal(int signal)
    {
        bool added = false;
        try
        {
            _pidfd.DangerousAddRef(ref added);
            int result = pidfd_send_signal(_pidfd.Number, signal, IntPtr.Zero, 0);
            if (result == -1 && Marshal.GetLastPInvokeError() == NoSuchProcess)
            {
                return false;
            }

            Syscall.Check(result, $"pidfd_send_signal(pid {Pid}, {signal})");
            return true;
        }
        finally
        {
            if (added)
            {
                _pidfd.DangerousRelease();
            }
        }
    }

    /// <summary>Gives up our use of the pidfd; the child keeps running and is still reaped when it exits.</summary>
    public void Dispose() => _pidfd.Dispose();

    private void WaitForExit()
    {
        try
        {
            _exited.SetResult(ChildReaper.Reap(ChildReaper.ByPidfd, _pidfd.Number, $"waitid(P_PIDFD, pid {Pid})"));
        }
        catch (NativeException e)
        {
            _exited.SetException(e);
        }
        finally
        {
            _pidfd.DangerousRelease();
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pidfd_send_signal(int pidfd, int signal, IntPtr info, uint flags);
}
