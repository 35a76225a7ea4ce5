using System.Buffers;
using AotShim.Native;
using AotShim.Shim.Ttrpc;
using Google.Protobuf;

namespace AotShim.Shim.Agent;

/// <summary>
/// containerd's stdin fifo into WriteStdin, then CloseStdin at EOF. ctr does not close its end at its own EOF: it
/// sends CloseIO and keeps the fifo open, so <see cref="CloseAsync"/> closes once everything already in the fifo has
/// reached the agent instead of waiting for an EOF that never comes.
/// </summary>
internal sealed class AgentStdin(AgentClient agent, string containerId, string execId)
{
    private const int ChunkSize = 32 * 1024;
    private static readonly TimeSpan SettleInterval = TimeSpan.FromMilliseconds(10);

    private readonly TaskCompletionSource<FileStream> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private int _inFlight;
    private int _closed;
    private Task? _closing;
    private int _started;
    private int _closeRequested;

    /// <summary>
    /// Copies until EOF or close, on the calling thread, which it keeps: fifo opens and reads block, for as long as
    /// nobody types, so this must never run on the thread pool.
    /// </summary>
    public void Pump(string fifo, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        Interlocked.Exchange(ref _started, 1);
        try
        {
            using (var input = new FileStream(fifo, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0))
            {
                _opened.TrySetResult(input);

                // CloseIO came before this thread got the fifo open: what ctr wrote is still in it, to be sent first.
                if (Volatile.Read(ref _closeRequested) == 1)
                {
                    _ = DrainThenCloseAsync(ct);
                }

                while (Volatile.Read(ref _closed) == 0)
                {
                    // Read only once data (or EOF) waits, and under the gate: the drain check then never sees bytes that
                    // have left the fifo but are not yet counted as on their way.
                    Files.WaitReadable(input.SafeFileHandle);
                    int read;
                    lock (_gate)
                    {
                        read = input.Read(buffer.AsSpan(0, ChunkSize));
                        if (read > 0)
                        {
                            _inFlight++;
                        }
                    }

                    if (read <= 0)
                    {
                        break;
                    }

                    try
                    {
                        for (int sent = 0; sent < read;)
                        {
                            // The buffer is not reused until the agent has answered, so it goes out without a copy.
                            sent += (int)agent.WriteStdinAsync(containerId, execId, UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(sent, read - sent)), ct)
                                .AsTask().GetAwaiter().GetResult();
                        }
                    }
                    finally
                    {
                        lock (_gate)
                        {
                            _inFlight--;
                        }
                    }
                }
            }

            CloseOnceAsync(ct).GetAwaiter().GetResult();
        }
        catch (TtrpcException)
        {
            // The process or the VM is gone: there is no one left to read stdin.
        }
        finally
        {
            _opened.TrySetCanceled(CancellationToken.None);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// containerd's CloseIO: waits until the fifo is empty and nothing read is still on its way, then closes. Before the
    /// pump has opened the fifo it only marks the close, which the pump carries out once it has.
    /// </summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        Interlocked.Exchange(ref _closeRequested, 1);
        if (!_opened.Task.IsCompleted)
        {
            if (Volatile.Read(ref _started) == 0)
            {
                return;
            }

            await Task.WhenAny(_opened.Task).WaitAsync(ct).ConfigureAwait(false);
        }

        await DrainThenCloseAsync(ct).ConfigureAwait(false);
    }

    private async Task DrainThenCloseAsync(CancellationToken ct)
    {
        try
        {
            if (_opened.Task.IsCompletedSuccessfully)
            {
                FifoProbe probe = new(_opened.Task.Result);
                while (!Idle(probe))
                {
                    await Task.Delay(SettleInterval, ct).ConfigureAwait(false);
                }
            }

            await CloseOnceAsync(ct).ConfigureAwait(false);
        }
        catch (TtrpcException)
        {
            // The process or the VM is gone: there is no one left to read stdin.
        }
    }

    /// <summary>Nothing left in the fifo and nothing read still on its way to the agent.</summary>
    private bool Idle(FifoProbe probe)
    {
        lock (_gate)
        {
            return _inFlight == 0 && probe.Empty();
        }
    }

    /// <summary>Both the pump (at EOF or on an early CloseIO) and CloseIO may close: each waits for the one CloseStdin.</summary>
    private Task CloseOnceAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_closing is null)
            {
                Volatile.Write(ref _closed, 1);
                _closing = agent.CloseStdinAsync(containerId, execId, ct).AsTask();
            }

            return _closing;
        }
    }

    /// <summary>Whether the fifo has unread bytes; a fifo already closed counts as empty.</summary>
    private readonly struct FifoProbe(FileStream stream)
    {
        public bool Empty()
        {
            try
            {
                return Files.BytesAvailable(stream.SafeFileHandle) == 0;
            }
            catch (ObjectDisposedException)
            {
                return true;
            }
        }
    }
}
