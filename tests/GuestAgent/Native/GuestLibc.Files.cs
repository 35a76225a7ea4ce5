using System.Runtime.InteropServices;
using AotShim.Native;
using Microsoft.Win32.SafeHandles;

namespace AotShim.GuestAgent.Native;

/// <summary>Pipes and raw reads and writes for process stdio, and file ownership.</summary>
internal static partial class GuestLibc
{
    /// <summary>A pipe whose both ends are close-on-exec: (read end, write end).</summary>
    public static (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        Span<int> fds = stackalloc int[2];
        Check(pipe2(fds, OCloexec), "pipe2(O_CLOEXEC)");
        return (new(fds[0], ownsHandle: true), new(fds[1], ownsHandle: true));
    }

    /// <summary>read(2), retried on EINTR; 0 at end of file.</summary>
    public static int Read(SafeHandle handle, Span<byte> buffer, string name)
    {
        using var fd = new Borrowed(handle);
        nint result;
        do
        {
            result = read(fd.Number, buffer, buffer.Length);
        }
        while (result == -1 && Marshal.GetLastPInvokeError() == Errnos.EINTR);

        return Check((int)result, $"read({name})");
    }

    /// <summary>write(2) of the whole buffer, retried on EINTR and short writes.</summary>
    public static void WriteAll(SafeHandle handle, ReadOnlySpan<byte> buffer, string name)
    {
        using var fd = new Borrowed(handle);
        while (!buffer.IsEmpty)
        {
            nint result = write(fd.Number, buffer, buffer.Length);
            if (result == -1 && Marshal.GetLastPInvokeError() == Errnos.EINTR)
            {
                continue;
            }

            buffer = buffer[Check((int)result, $"write({name})")..];
        }
    }

    public static void Chown(string path, int uid, int gid) => Check(lchown(path, uid, gid), $"lchown(\"{path}\", {uid}, {gid})");

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pipe2(Span<int> fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, Span<byte> buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, int uid, int gid);
}
