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

    private readonly AgentStdin? _stdin;

    private AgentStdio(Task output, AgentStdin? stdin)
    {
        Output = output;
        _stdin = stdin;
    }

    /// <summary>Completes when stdout and stderr have both ended (the process exited and its pipes drained).</summary>
    public Task Output { get; }

    public static AgentStdio Start(AgentClient agent, string containerId, string execId, ProcessStdio stdio, CancellationToken ct)
    {
        Task stdout = Pump(stdio.Stdout, () => CopyOutAsync(agent.ReadStdoutAsync, containerId, execId, stdio.Stdout, ct));

        // A terminal has one output stream: the agent merges stderr into the pty.
        Task stderr = stdio.Terminal ? Task.CompletedTask : Pump(stdio.Stderr, () => CopyOutAsync(agent.ReadStderrAsync, containerId, execId, stdio.Stderr, ct));
        AgentStdin? input = stdio.Stdin.Length == 0 ? null : new AgentStdin(agent, containerId, execId);
        _ = Pump(stdio.Stdin, () => input!.PumpAsync(stdio.Stdin, ct));
        return new AgentStdio(Task.WhenAll(stdout, stderr), input);
    }

    /// <summary>containerd's CloseIO: the guest's stdin closes once what containerd already wrote has been delivered.</summary>
    public Task CloseInputAsync(CancellationToken ct) => _stdin?.CloseAsync(ct) ?? Task.CompletedTask;

    /// <summary>Fifo opens and reads block (that is how fifos work), so each pump gets a thread of its own.</summary>
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
