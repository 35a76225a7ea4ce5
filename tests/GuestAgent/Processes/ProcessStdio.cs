using AotShim.GuestAgent.Native;
using Microsoft.Win32.SafeHandles;

namespace AotShim.GuestAgent.Processes;

/// <summary>
/// A process's stdio, made when the process is created so output is captured from its first byte: three pipes,
/// or one pty whose slave is stdin, stdout and stderr. The child's ends are held until the process is spawned
/// and then released, so end of file comes when the process (and whatever inherited them) has closed them.
/// </summary>
internal sealed class ProcessStdio : IDisposable
{
    private readonly List<SafeFileHandle> _owned;
    private readonly SafeFileHandle? _master;

    private ProcessStdio(List<SafeFileHandle> owned, SafeFileHandle? master, OutputStream stdout, OutputStream? stderr, InputStream stdin)
    {
        _owned = owned;
        _master = master;
        Stdout = stdout;
        Stderr = stderr;
        Stdin = stdin;
    }

    public SafeFileHandle? ChildStdin { get; private set; }

    public SafeFileHandle? ChildStdout { get; private set; }

    public SafeFileHandle? ChildStderr { get; private set; }

    public OutputStream Stdout { get; }

    /// <summary>Null with a terminal, whose one stream is stdout.</summary>
    public OutputStream? Stderr { get; }

    public InputStream Stdin { get; }

    public static ProcessStdio Create(bool terminal, string name) => terminal ? CreateTerminal(name) : CreatePipes(name);

    /// <summary>After the spawn: from now on only the child holds its ends.</summary>
    public void ReleaseChildEnds()
    {
        ChildStdin?.Dispose();
        ChildStdout?.Dispose();
        ChildStderr?.Dispose();
        ChildStdin = ChildStdout = ChildStderr = null;
    }

    public void Resize(uint rows, uint columns)
    {
        if (_master is null)
        {
            throw new InvalidOperationException("the process has no terminal");
        }

        GuestLibc.SetWindowSize(_master, checked((ushort)rows), checked((ushort)columns));
    }

    public void Dispose()
    {
        ReleaseChildEnds();
        foreach (SafeFileHandle handle in _owned)
        {
            handle.Dispose();
        }
    }

    private static ProcessStdio CreatePipes(string name)
    {
        (SafeFileHandle stdinRead, SafeFileHandle stdinWrite) = GuestLibc.Pipe();
        (SafeFileHandle stdoutRead, SafeFileHandle stdoutWrite) = GuestLibc.Pipe();
        (SafeFileHandle stderrRead, SafeFileHandle stderrWrite) = GuestLibc.Pipe();
        return new ProcessStdio(
            [stdinWrite, stdoutRead, stderrRead],
            master: null,
            new OutputStream(stdoutRead, $"stdout of {name}"),
            new OutputStream(stderrRead, $"stderr of {name}"),
            new InputStream(stdinWrite, terminal: false, $"stdin of {name}"))
        {
            ChildStdin = stdinRead,
            ChildStdout = stdoutWrite,
            ChildStderr = stderrWrite,
        };
    }

    private static ProcessStdio CreateTerminal(string name)
    {
        (SafeFileHandle master, string slavePath) = GuestLibc.OpenPty();
        SafeFileHandle slave = GuestLibc.OpenTerminal(slavePath);
        return new ProcessStdio(
            [master],
            master,
            new OutputStream(master, $"terminal of {name}"),
            stderr: null,
            new InputStream(master, terminal: true, $"terminal of {name}"))
        {
            ChildStdin = slave,
            ChildStdout = slave,
            ChildStderr = slave,
        };
    }
}
