using AotShim.Native;
using AotShim.Shim.Sandbox;
using Microsoft.Win32.SafeHandles;

namespace AotShim.TestShim;

/// <summary>
/// A host process created stopped (the shell stops itself before exec), so Create has a pid and Start is a
/// SIGCONT, as runc's create/start split.
/// </summary>
internal sealed class HostProcess : IProcess
{
    private const int SigCont = 18;
    private readonly ChildProcess _child;

    private HostProcess(string id, ChildProcess child)
    {
        Id = id;
        _child = child;
        Exited = child.Exited.ContinueWith(t => new ProcessExit((uint)t.Result, DateTimeOffset.UtcNow), TaskScheduler.Default);
    }

    public string Id { get; }

    public int Pid => _child.Pid;

    public Task<ProcessExit> Exited { get; }

    public static HostProcess Create(string id, IReadOnlyList<string> argv, IReadOnlyList<string> environment, ProcessStdio stdio)
    {
        using SafeFileHandle? stdin = Open(stdio.Stdin, FileAccess.ReadWrite);
        using SafeFileHandle? stdout = Open(stdio.Stdout, FileAccess.Write);
        using SafeFileHandle? stderr = Open(stdio.Stderr, FileAccess.Write);
        ChildProcess child = ProcessSpawner.Spawn(new SpawnOptions("/bin/sh", ["sh", "-c", "kill -STOP $$; exec \"$@\"", "sh", .. argv])
        {
            Environment = environment,
            StandardInput = stdin,
            StandardOutput = stdout,
            StandardError = stderr,
        });
        WaitUntilStopped(child);
        return new HostProcess(id, child);
    }

    public ValueTask StartAsync(CancellationToken cancellationToken)
    {
        _child.Signal(SigCont);
        return ValueTask.CompletedTask;
    }

    public ValueTask KillAsync(int signal, bool all, CancellationToken cancellationToken)
    {
        _child.Signal(signal);
        return ValueTask.CompletedTask;
    }

    public ValueTask ResizePtyAsync(uint width, uint height, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the host test backend gives processes no terminal");

    public ValueTask CloseStdinAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>A fifo path from containerd, or null: stdin is opened read-write so the open never waits for a writer.</summary>
    private static SafeFileHandle? Open(string path, FileAccess access) =>
        path.Length == 0 ? null : File.OpenHandle(path, FileMode.Open, access);

    private static void WaitUntilStopped(ChildProcess child)
    {
        for (int i = 0; i < 500; i++)
        {
            string stat = File.ReadAllText($"/proc/{child.Pid}/stat");
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T') || child.Exited.IsCompleted)
            {
                return;
            }

            Thread.Sleep(2);
        }

        throw new TimeoutException($"process {child.Pid} did not stop before exec");
    }
}
