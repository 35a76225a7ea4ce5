using Tmds.Linux;

namespace AotShim.Native;

/// <summary>
/// Reads what a child writes to a pipe on a dedicated thread, keeping only the last bytes. Reading ends at end of file,
/// or once the child has exited and what it left in the pipe is drained: a grandchild that inherited the write end
/// cannot hold the reader (or the caller waiting for it) open.
/// </summary>
public static unsafe class ChildOutput
{
    private const int ChunkSize = 16 * 1024;

    // The reader only polls and reads into a heap buffer; a small stack is plenty.
    private const int ReaderStackSize = 128 * 1024;

    /// <summary>
    /// Starts reading <paramref name="readEnd"/> (the caller keeps ownership; it stays referenced until the task
    /// completes) and completes with at most the last <paramref name="limit"/> bytes.
    /// </summary>
    public static Task<byte[]> ReadTailAsync(FileDescriptor readEnd, ChildProcess child, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var result = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        FileDescriptor pidfd = child.Pidfd;
        bool pipeAdded = false;
        bool pidfdAdded = false;
        try
        {
            readEnd.DangerousAddRef(ref pipeAdded);
            pidfd.DangerousAddRef(ref pidfdAdded);
            var reader = new Reader(readEnd, pidfd, limit, result);
            new Thread(reader.Run, ReaderStackSize) { IsBackground = true, Name = "output " + child.Pid }.UnsafeStart();

            // The reader thread releases both references when it ends.
            pipeAdded = pidfdAdded = false;
        }
        finally
        {
            if (pipeAdded)
            {
                readEnd.DangerousRelease();
            }

            if (pidfdAdded)
            {
                pidfd.DangerousRelease();
            }
        }

        return result.Task;
    }

    private sealed class Reader(FileDescriptor pipe, FileDescriptor pidfd, int limit, TaskCompletionSource<byte[]> result)
    {
        private readonly byte[] _ring = new byte[limit];
        private readonly byte[] _chunk = new byte[Math.Min(limit, ChunkSize)];
        private long _total;

        public void Run()
        {
            try
            {
                ReadUntilDone();
                result.SetResult(Tail());
            }
            catch (NativeException e)
            {
                result.SetException(e);
            }
            finally
            {
                pipe.DangerousRelease();
                pidfd.DangerousRelease();
            }
        }

        private void ReadUntilDone()
        {
            pollfd* fds = stackalloc pollfd[2];
            while (true)
            {
                fds[0] = new pollfd { fd = pipe.Number, events = LibC.POLLIN };
                fds[1] = new pollfd { fd = pidfd.Number, events = LibC.POLLIN };
                int ready = Poll.Wait(fds, 2, -1);
                if (Syscall.Interrupted(ready))
                {
                    continue;
                }

                Syscall.Check(ready, $"poll(pipe {pipe.Number}, pidfd {pidfd.Number})");

                // Exit first: everything the child wrote is already in the pipe, so one bounded drain finishes the job.
                if (fds[1].revents != 0)
                {
                    Drain(Files.BytesAvailable(pipe));
                    return;
                }

                if (ReadChunk(_chunk.Length) == 0)
                {
                    return;
                }
            }
        }

        private void Drain(int pending)
        {
            while (pending > 0)
            {
                int read = ReadChunk(Math.Min(pending, _chunk.Length));
                if (read == 0)
                {
                    return;
                }

                pending -= read;
            }
        }

        /// <summary>One read(2) into the ring; 0 at end of file.</summary>
        private int ReadChunk(int count)
        {
            long read;
            fixed (byte* chunk = _chunk)
            {
                do
                {
                    read = LibC.read(pipe.Number, chunk, (size_t)count);
                }
                while (read == -1 && LibC.errno == Errnos.EINTR);
            }

            int length = Syscall.Check((int)read, $"read(pipe {pipe.Number})");
            Keep(_chunk.AsSpan(0, length));
            return length;
        }

        /// <summary>Appends to the ring (a chunk is never longer than the ring), overwriting the oldest bytes.</summary>
        private void Keep(ReadOnlySpan<byte> bytes)
        {
            int start = (int)(_total % _ring.Length);
            int first = Math.Min(bytes.Length, _ring.Length - start);
            bytes[..first].CopyTo(_ring.AsSpan(start));
            bytes[first..].CopyTo(_ring);
            _total += bytes.Length;
        }

        private byte[] Tail()
        {
            if (_total <= _ring.Length)
            {
                return _ring[..(int)_total];
            }

            int start = (int)(_total % _ring.Length);
            return [.. _ring.AsSpan(start), .. _ring.AsSpan(0, start)];
        }
    }
}
