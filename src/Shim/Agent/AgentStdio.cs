using System.Buffers;
using AotShim.Shim.Sandbox;
using AotShim.Shim.Ttrpc;
using Google.Protobuf;

namespace AotShim.Shim.Agent;

/// <summary>
/// Copies one guest process's stdio between containerd's fifos and the agent: ReadStdout/ReadStderr into the output
/// fifos until the agent reports the end of the stream, the stdin fifo into WriteStdin until EOF, then CloseStdin.
/// </summary>
public sealed class AgentStdio
{
    /// <summary>Kata's read size for ReadStdout/ReadStderr.</summary>
    private const int ChunkSize = 32 * 1024;

    private AgentStdio(Task output, Task input)
    {
        Output = output;
        Input = input;
    }

    /// <summary>Completes when stdout and stderr have both ended (the process exited and its pipes drained).</summary>
    public Task Output { get; }

    /// <summary>Completes when stdin reached EOF and the agent was told, or there is no stdin.</summary>
    public Task Input { get; }

    public static AgentStdio Start(AgentClient agent, string containerId, string execId, ProcessStdio stdio, CancellationToken ct)
    {
        Task stdout = Pump(stdio.Stdout, () => CopyOutAsync(agent.ReadStdoutAsync, containerId, execId, stdio.Stdout, ct));

        // A terminal has one output stream: the agent merges stderr into the pty.
        Task stderr = stdio.Terminal ? Task.CompletedTask : Pump(stdio.Stderr, () => CopyOutAsync(agent.ReadStderrAsync, containerId, execId, stdio.Stderr, ct));
        Task stdin = Pump(stdio.Stdin, () => CopyInAsync(agent, containerId, execId, stdio.Stdin, ct));
        return new AgentStdio(Task.WhenAll(stdout, stderr), stdin);
    }

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

    private static async Task CopyInAsync(AgentClient agent, string containerId, string execId, string fifo, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using (var input = new FileStream(fifo, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0))
            {
                int read;
                while ((read = input.Read(buffer.AsSpan(0, ChunkSize))) > 0)
                {
                    for (int sent = 0; sent < read;)
                    {
                        // The buffer is not reused until the agent has answered, so it can be sent without a copy.
                        sent += (int)await agent.WriteStdinAsync(containerId, execId, UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(sent, read - sent)), ct).ConfigureAwait(false);
                    }
                }
            }

            await agent.CloseStdinAsync(containerId, execId, ct).ConfigureAwait(false);
        }
        catch (TtrpcException)
        {
            // The process or the VM is gone: there is no one left to read stdin.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
