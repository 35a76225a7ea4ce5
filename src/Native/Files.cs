using System.Text;
using Tmds.Linux;

namespace AotShim.Native;

/// <summary>open(2) returning an owned descriptor; close-on-exec is always added.</summary>
public static class Files
{
    public static unsafe FileDescriptor Open(string path, OpenFlags flags)
    {
        byte[] bytes = NullTerminated(path);
        int fd;
        fixed (byte* p = bytes)
        {
            do
            {
                fd = LibC.open(p, (int)(flags | OpenFlags.CloseOnExec), 0);
            }
            while (Syscall.Interrupted(fd));
        }

        return new FileDescriptor(Syscall.Check(fd, $"open(\"{path}\")"));
    }

    /// <summary>Like <see cref="Open"/>, but a failure yields the errno instead of throwing.</summary>
    public static FileDescriptor? TryOpen(string path, OpenFlags flags, out int errno)
    {
        try
        {
            errno = 0;
            return Open(path, flags);
        }
        catch (NativeException e)
        {
            errno = e.Errno;
            return null;
        }
    }

    internal static byte[] NullTerminated(string value)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    /// <summary>Blocks until a read of <paramref name="fd"/> would not block: data waiting, or its writers gone.</summary>
    public static unsafe void WaitReadable(System.Runtime.InteropServices.SafeHandle fd)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            var poll = new Tmds.Linux.pollfd { fd = (int)fd.DangerousGetHandle(), events = Tmds.Linux.LibC.POLLIN };
            int ready;
            while (Syscall.Interrupted(ready = Poll.Wait(&poll, 1, -1)))
            {
            }

            Syscall.Check(ready, $"poll({poll.fd}, POLLIN)");
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>FIONREAD: bytes waiting to be read in a pipe, fifo or socket.</summary>
    public static int BytesAvailable(System.Runtime.InteropServices.SafeHandle fd) => Ioctl.ReadInt32(fd, 0x541B, "FIONREAD");
}
