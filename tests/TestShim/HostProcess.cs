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

    private readonly HostTerminal? _terminal;

    private HostProcess(string id, ChildProcess child, HostTerminal? terminal, Task output)
    {
        Id = id;
        _child = child;
        _terminal = terminal;
        Exited = ExitAsync(child, terminal, output);
    }

    public string Id { get; }

    public int Pid => _child.Pid;

    public Task<ProcessExit> Exited { get; }

    public static HostProcess Create(string id, IReadOnlyList<string> argv, IReadOnlyList<string> environment, ProcessStdio stdio)
    {
        if (stdio.Terminal)
        {
            return CreateWithTerminal(id, argv, environment, stdio);
        }

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
        return new HostProcess(id, child, null, Task.CompletedTask);
    }

    /// <summary>
    /// The child leads a new session and re-opens the pty slave, which makes it the controlling terminal
    /// (Linux gives a session leader without one the first tty it opens).
    /// </summary>
    private static HostProcess CreateWithTerminal(string id, IReadOnlyList<string> argv, IReadOnlyList<string> environment, ProcessStdio stdio)
    {
        HostTerminal terminal = HostTerminal.Open();
        ChildProcess child = ProcessSpawner.Spawn(new SpawnOptions("/bin/sh", ["sh", "-c", "exec 0<>\"$0\" 1>&0 2>&0; kill -STOP $$; exec \"$@\"", terminal.SlavePath, .. argv])
        {
            Environment = environment,
            NewSession = true,
        });
        WaitUntilStopped(child);
        return new HostProcess(id, child, terminal, terminal.CopyAsync(stdio.Stdin, stdio.Stdout));
    }

    private static async Task<ProcessExit> ExitAsync(ChildProcess child, HostTerminal? terminal, Task output)
    {
        int status = await child.Exited;
        await output.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        terminal?.Dispose();
        return new ProcessExit((uint)status, DateTimeOffset.UtcNow);
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

    public ValueTask ResizePtyAsync(uint width, uint height, CancellationToken cancellationToken)
    {
        _terminal?.Resize(width, height);
        return ValueTask.CompletedTask;
    }

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
