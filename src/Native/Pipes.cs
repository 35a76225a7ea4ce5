using Tmds.Linux;

namespace AotShim.Native;

/// <summary>pipe2(2) with close-on-exec on both ends, each end an owned descriptor.</summary>
public static unsafe class Pipes
{
    public static (FileDescriptor Read, FileDescriptor Write) Create()
    {
        int* ends = stackalloc int[2];
        Syscall.Check(LibC.pipe2(ends, LibC.O_CLOEXEC), "pipe2(O_CLOEXEC)");
        return (new FileDescriptor(ends[0]), new FileDescriptor(ends[1]));
    }

    /// <summary>
    /// A read end that yields exactly <paramref name="content"/> and then end of file. Everything is written before
    /// any reader exists, so a reader that never reads, or closes early, can neither block nor SIGPIPE the writer.
    /// </summary>
    public static FileDescriptor WithContent(ReadOnlySpan<byte> content)
    {
        (FileDescriptor read, FileDescriptor write) = Create();
        try
        {
            using (write)
            {
                Fill(write.Number, content);
            }

            return read;
        }
        catch
        {
            read.Dispose();
            throw;
        }
    }

    private static void Fill(int fd, ReadOnlySpan<byte> content)
    {
        int capacity = Syscall.Check(LibC.fcntl(fd, LibC.F_GETPIPE_SZ), $"fcntl({fd}, F_GETPIPE_SZ)");
        if (content.Length > capacity)
        {
            Syscall.Check(LibC.fcntl(fd, LibC.F_SETPIPE_SZ, content.Length), $"fcntl({fd}, F_SETPIPE_SZ, {content.Length})");
        }

        // Non-blocking on the write end only: with no reader yet, a write that does not fit would wait forever.
        int flags = Syscall.Check(LibC.fcntl(fd, LibC.F_GETFL), $"fcntl({fd}, F_GETFL)");
        Syscall.Check(LibC.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK), $"fcntl({fd}, F_SETFL, O_NONBLOCK)");
        fixed (byte* bytes = content)
        {
            int written = 0;
            while (written < content.Length)
            {
                long result = LibC.write(fd, bytes + written, (size_t)(content.Length - written));
                if (result == -1 && LibC.errno == Errnos.EINTR)
                {
                    continue;
                }

                written += (int)Syscall.Check((int)result, $"write(pipe {fd}, {content.Length - written} bytes)");
            }
        }
    }
}
