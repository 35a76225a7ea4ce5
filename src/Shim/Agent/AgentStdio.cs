using AotShim.Shim.Sandbox;
using AotShim.Shim.Ttrpc;
using Google.Protobuf;

namespace AotShim.Shim.Agent;

/// <summary>
/// Copies one guest process's stdio between containerd's fifos and the agent: ReadStdout/ReadStderr into the output
/// fifos until the agent reports the end of the stream, and the stdin fifo into WriteStdin (see AgentStdin).
/// </summary>
public sealed class AgentStdio
{
    /// <summary>Kata's read size for ReadStdout/ReadStderr.</summary>
    private const int ChunkSize = 32 * 1024;

    private readonly AgentClient _agent;
    private readonly string _containerId;
    private readonly string _execId;
    private readonly ProcessStdio _stdio;
    private readonly AgentStdin? _stdin;

    /// <summary>Ready to take a CloseIO before <see cref="Start"/>: the close then waits for what the fifo delivers.</summary>
    public AgentStdio(AgentClient agent, string containerId, string execId, ProcessStdio stdio)
    {
        _agent = agent;
        _containerId = containerId;
        _execId = execId;
        _stdio = stdio;
        _stdin = stdio.Stdin.Length == 0 ? null : new AgentStdin(agent, containerId, execId);
    }

    /// <summary>Completes when stdout and stderr have both ended (the process exited and its pipes drained).</summary>
    public Task Output { get; private set; } = Task.CompletedTask;

    /// <summary>Starts the copies; once, after the process has started.</summary>
    public void Start(CancellationToken ct)
    {
        Task stdout = Pump(_stdio.Stdout, () => CopyOutAsync(_agent.ReadStdoutAsync, _containerId, _execId, _stdio.Stdout, ct));

        // A terminal has one output stream: the agent merges stderr into the pty.
        Task stderr = _stdio.Terminal ? Task.CompletedTask : Pump(_stdio.Stderr, () => CopyOutAsync(_agent.ReadStderrAsync, _containerId, _execId, _stdio.Stderr, ct));
        if (_stdin is not null)
        {
            _ = Task.Factory.StartNew(() => _stdin.Pump(_stdio.Stdin, ct), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        Output = Task.WhenAll(stdout, stderr);
    }

    /// <summary>containerd's CloseIO: the guest's stdin closes once what containerd already wrote has been delivered.</summary>
    public Task CloseInputAsync(CancellationToken ct) => _stdin?.CloseAsync(ct) ?? Task.CompletedTask;

    /// <summary>A fifo's open blocks until containerd has its end open, so each output copy starts on a thread of its own.</summary>
    private static Task Pump(string fifo, Func<Task> copy) =>
        fifo.Length == 0 ? Task.CompletedTask : Task.Factory.StartNew(copy, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private static async Task CopyOutAsync(
        Func<string, string, uint, CancellationToken, ValueTask<ByteString>> read, string containerId, string execId, string fifo, CancellationToken ct)
    {
        // Unbuffered: each chunk goes to containerd's fifo as soon as the agent hands it over.
        using var output = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        while (true)
        {
            ByteString data;
            try
            {
                data = await read(containerId, execId, ChunkSize, ct).ConfigureAwait(false);
            }
            catch (TtrpcException)
            {
                // The agent ends a stream with an error (EOF) once the process is gone; a dead connection ends it too.
                return;
            }

            if (data.IsEmpty)
            {
                return;
            }

            output.Write(data.Span);
        }
    }
}
