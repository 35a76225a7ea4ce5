using System.Buffers;
using System.IO.Pipelines;

namespace AotShim.Shim.Ttrpc;

/// <summary>
/// One TTRPC connection, shaped like Kestrel's socket transport: a receive loop fills the input pipe, a frame loop
/// parses frames in place and hands them to the handler, writers serialize whole frames into the output pipe under
/// a send lock, and a send loop drains that pipe to the transport.
/// </summary>
internal sealed class TtrpcChannel
{
    private const int MinimumReceiveBuffer = 4096;

    private readonly ITtrpcTransport _transport;
    private readonly ITtrpcFrameHandler _handler;
    private readonly Pipe _input;
    private readonly Pipe _output = new(new PipeOptions(useSynchronizationContext: false));
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private Task _completion = Task.CompletedTask;
    private Exception? _closeReason;
    private long _skipRemaining;
    private bool _sendsCompleted;
    private int _closed;

    public TtrpcChannel(ITtrpcTransport transport, string endpoint, ITtrpcFrameHandler handler)
    {
        _transport = transport;
        Endpoint = endpoint;
        _handler = handler;

        // A whole frame must fit before the writer pauses, or a maximum-size frame would never complete.
        long pause = TtrpcProtocol.MaxMessageLength + TtrpcProtocol.HeaderLength + 65536L;
        _input = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, useSynchronizationContext: false));
    }

    public string Endpoint { get; }

    /// <summary>Cancelled as soon as the connection ends; in-flight handlers observe it.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Completes (never faults) when every loop has ended.</summary>
    public Task Completion => _completion;

    public void Start() =>
        _completion = Task.WhenAll(Task.Run(ReceiveAsync), Task.Run(ProcessFramesAsync), Task.Run(SendLoopAsync));

    /// <summary>Writes one frame; false when the connection is closed or closing, so nothing was sent.</summary>
    public async ValueTask<bool> SendAsync<TBody>(uint streamId, TtrpcFrameType type, TBody body, CancellationToken ct)
        where TBody : ITtrpcFrameBody
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_sendsCompleted || _closing.IsCancellationRequested)
            {
                return false;
            }

            PipeWriter writer = _output.Writer;
            try
            {
                new TtrpcFrameHeader((uint)body.Length, streamId, type, 0).WriteTo(writer);
                body.WriteTo(writer);
            }
            catch (Exception e)
            {
                // A half-written frame must never be flushed behind someone else's: the stream is lost.
                Close(e);
                throw;
            }

            // The frame is committed; only the connection's end may interrupt the back-pressure wait.
            FlushResult flush = await writer.FlushAsync(_closing.Token).ConfigureAwait(false);
            return !flush.IsCompleted;
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Lets every frame already written reach the transport, then closes the connection.</summary>
    public async Task CloseAfterSendsAsync()
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_sendsCompleted)
            {
                _sendsCompleted = true;
                await _output.Writer.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Ends the connection now (once): loops stop, the transport closes, in-flight work sees <see cref="Closing"/>.</summary>
    public void Close(Exception? reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _closeReason = reason;
        _closing.Cancel();
        _transport.Dispose();
    }

    private async Task ReceiveAsync()
    {
        PipeWriter writer = _input.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                Memory<byte> memory = writer.GetMemory(MinimumReceiveBuffer);
                int received = await _transport.ReceiveAsync(memory, _closing.Token).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                writer.Advance(received);
                FlushResult flush = await writer.FlushAsync(_closing.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            // Our own close ends the stream like the peer's close does; anything else is the peer's failure.
            failure = _closing.IsCancellationRequested ? null : e;
        }
        finally
        {
            await writer.CompleteAsync(failure).ConfigureAwait(false);
        }
    }

    private async Task ProcessFramesAsync()
    {
        PipeReader reader = _input.Reader;
        Exception? failure = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                SequencePosition consumed = DispatchFrames(buffer);
                long remaining = result.IsCompleted ? buffer.Slice(consumed).Length + _skipRemaining : 0;
                reader.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    if (remaining > 0)
                    {
                        failure = new IOException($"ttrpc: {Endpoint} closed the connection in the middle of a frame ({remaining} bytes missing or unparsed)");
                    }

                    break;
                }
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);

            // When we closed first, what the input looked like afterwards says nothing about the peer.
            Exception? reason = Volatile.Read(ref _closed) != 0 ? _closeReason : failure;
            Close(reason);
            _handler.OnClosed(reason);
        }
    }

    /// <summary>Hands every complete frame to the handler and skips oversized ones as they stream past.</summary>
    private SequencePosition DispatchFrames(in ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (_skipRemaining > 0)
            {
                long skipped = Math.Min(_skipRemaining, reader.Remaining);
                reader.Advance(skipped);
                _skipRemaining -= skipped;
                if (_skipRemaining > 0)
                {
                    break;
                }
            }

            if (!TtrpcFrameHeader.TryPeek(reader, out TtrpcFrameHeader header))
            {
                break;
            }

            if (header.Length > TtrpcProtocol.MaxMessageLength)
            {
                reader.Advance(TtrpcProtocol.HeaderLength);
                _skipRemaining = header.Length;
                _handler.OnOversizedFrame(header);
                continue;
            }

            if (reader.Remaining < TtrpcProtocol.HeaderLength + header.Length)
            {
                break;
            }

            reader.Advance(TtrpcProtocol.HeaderLength);
            ReadOnlySequence<byte> payload = reader.UnreadSequence.Slice(0, header.Length);
            reader.Advance(header.Length);
            _handler.OnFrame(header, payload);
        }

        return reader.Position;
    }

    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        Exception? failure = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                foreach (ReadOnlyMemory<byte> segment in buffer)
                {
                    for (int sent = 0; sent < segment.Length;)
                    {
                        sent += await _transport.SendAsync(segment[sent..], _closing.Token).ConfigureAwait(false);
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            failure = _closing.IsCancellationRequested ? null : e;
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);

            // Either everything was sent after CloseAfterSendsAsync, or the transport failed: the connection is over.
            Close(failure);
        }
    }
}
