using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    private const int MinimumReceiveBuffer = 4096;

    /// <summary>Socket to pipe, as Kestrel's socket transport does; the pipe's pause threshold is the back-pressure.</summary>
    private async Task ReceiveAsync()
    {
        PipeWriter writer = _pipe.Writer;
        try
        {
            while (true)
            {
                Memory<byte> memory = writer.GetMemory(MinimumReceiveBuffer);
                int received = await _socket.ReceiveAsync(memory, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                writer.Advance(received);
                FlushResult flush = await writer.FlushAsync(_stop.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // QEMU resets the connection as it exits; that ends the stream like a close does.
            _receiveError = e;
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Pipe to messages: every complete line is dispatched in place, a partial one waits for more bytes.</summary>
    private async Task ProcessAsync()
    {
        PipeReader reader = _pipe.Reader;
        Exception? failure = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                SequencePosition consumed = DispatchLines(buffer, out long remaining);
                reader.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    failure = EndOfStream(remaining);
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
            Terminate(failure);
        }
    }

    private SequencePosition DispatchLines(in ReadOnlySequence<byte> buffer, out long remaining)
    {
        var lines = new SequenceReader<byte>(buffer);
        while (lines.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            CheckLength(line.Length);
            _dispatcher.Dispatch(line);
        }

        remaining = lines.Remaining;
        CheckLength(remaining);
        return lines.Position;
    }

    private void CheckLength(long length)
    {
        if (length > _options.MaxLineLength)
        {
            throw new QmpProtocolException($"a QMP line from {_endpoint} exceeds {_options.MaxLineLength} bytes (MaxLineLength)");
        }
    }

    private Exception? EndOfStream(long remaining)
    {
        if (remaining == 0)
        {
            return _receiveError;
        }

        return _dispatcher.GreetingReceived
            ? new QmpConnectionClosedException($"{_endpoint} closed the connection in the middle of a message ({remaining} bytes without end of line)", _receiveError)
            : new QmpProtocolException($"truncated QMP greeting from {_endpoint}: the connection closed after {remaining} bytes without end of line", _receiveError);
    }
}
