using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using AotShim.GuestAgent.Native;
using AotShim.Native;
using Google.Protobuf;

namespace AotShim.GuestAgent.Processes;

/// <summary>
/// A process's stdout or stderr (or pty master) drained by one small dedicated thread into a pipe, from which
/// ReadStdout/ReadStderr take at most the requested bytes. A read that is cancelled (its connection dropped)
/// takes nothing, so a reconnecting host loses no output; the kernel pipe plus this pipe bound what is buffered.
/// </summary>
internal sealed class OutputStream
{
    private const int ThreadStackSize = 128 * 1024;
    private const int ChunkSize = 16 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(useSynchronizationContext: false));
    private readonly SemaphoreSlim _readers = new(1, 1);
    private readonly SafeHandle _source;
    private readonly string _name;

    public OutputStream(SafeHandle source, string name)
    {
        _source = source;
        _name = name;
        new Thread(Pump, ThreadStackSize) { IsBackground = true, Name = name }.UnsafeStart();
    }

    /// <summary>Up to <paramref name="max"/> bytes once some are available; empty once the stream has ended and is drained.</summary>
    public async ValueTask<ByteString> ReadAsync(int max, CancellationToken ct)
    {
        await _readers.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ReadResult result = await _pipe.Reader.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> data = result.Buffer.Slice(0, Math.Min(max, result.Buffer.Length));
            ByteString chunk = UnsafeByteOperations.UnsafeWrap(data.ToArray());
            _pipe.Reader.AdvanceTo(data.End);
            return chunk;
        }
        finally
        {
            _readers.Release();
        }
    }

    private void Pump()
    {
        try
        {
            while (true)
            {
                Memory<byte> buffer = _pipe.Writer.GetMemory(ChunkSize);
                int read = GuestLibc.Read(_source, buffer.Span, _name);
                if (read == 0)
                {
                    break;
                }

                _pipe.Writer.Advance(read);
                if (_pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult().IsCompleted)
                {
                    break;
                }
            }
        }
        catch (NativeException e) when (e.Errno == Errnos.EIO)
        {
            // A pty master reads EIO once the last holder of the slave has closed it: that is its end of file.
        }
        catch (ObjectDisposedException)
        {
            // The process was removed while nobody was reading: nothing left to deliver.
        }

        _pipe.Writer.Complete();
    }
}
