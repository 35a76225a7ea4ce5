using System.Runtime.InteropServices;
using Tmds.Linux;

namespace AotShim.Native;

/// <summary>sendmsg(2) with SCM_RIGHTS: passes descriptors to the peer of a connected unix socket.</summary>
public static class UnixRights
{
    private const int MaxDescriptors = 16;

    /// <summary>
    /// Sends <paramref name="data"/> (at least one byte: the kernel attaches the descriptors to it) with
    /// <paramref name="descriptors"/> as ancillary data, waiting up to <paramref name="timeoutMilliseconds"/>
    /// for room in a full socket buffer. Returns how many bytes of <paramref name="data"/> went out.
    /// </summary>
    public static unsafe int Send(SafeHandle socket, ReadOnlySpan<byte> data, ReadOnlySpan<SafeHandle> descriptors, int timeoutMilliseconds)
    {
        if (data.IsEmpty)
        {
            throw new ArgumentException("SCM_RIGHTS needs at least one byte of data to ride on", nameof(data));
        }

        if (descriptors.Length is 0 or > MaxDescriptors)
        {
            throw new ArgumentOutOfRangeException(nameof(descriptors), descriptors.Length, $"between 1 and {MaxDescriptors} descriptors");
        }

        int count = descriptors.Length;
        int added = 0;
        bool socketAdded = false;
        try
        {
            socket.DangerousAddRef(ref socketAdded);
            int* numbers = stackalloc int[count];
            for (; added < count; added++)
            {
                bool ok = false;
                descriptors[added].DangerousAddRef(ref ok);
                numbers[added] = (int)descriptors[added].DangerousGetHandle();
            }

            int fd = (int)socket.DangerousGetHandle();
            int controlLength = LibC.CMSG_SPACE(count * sizeof(int));
            byte* control = stackalloc byte[controlLength];
            new Span<byte>(control, controlLength).Clear();
            fixed (byte* bytes = data)
            {
                var vector = new iovec { iov_base = bytes, iov_len = (size_t)data.Length };
                var message = new msghdr { msg_iov = &vector, msg_iovlen = 1, msg_control = control, msg_controllen = (socklen_t)controlLength };
                cmsghdr* header = LibC.CMSG_FIRSTHDR(&message);
                header->cmsg_len = (socklen_t)LibC.CMSG_LEN(count * sizeof(int));
                header->cmsg_level = LibC.SOL_SOCKET;
                header->cmsg_type = LibC.SCM_RIGHTS;
                Buffer.MemoryCopy(numbers, LibC.CMSG_DATA(header), count * sizeof(int), count * sizeof(int));
                return SendMessage(fd, &message, count, timeoutMilliseconds);
            }
        }
        finally
        {
            for (int i = 0; i < added; i++)
            {
                descriptors[i].DangerousRelease();
            }

            if (socketAdded)
            {
                socket.DangerousRelease();
            }
        }
    }

    private static unsafe int SendMessage(int fd, msghdr* message, int count, int timeoutMilliseconds)
    {
        string call = $"sendmsg({fd}, SCM_RIGHTS x{count})";
        while (true)
        {
            int sent = (int)(long)LibC.sendmsg(fd, message, LibC.MSG_NOSIGNAL | LibC.MSG_DONTWAIT);
            if (Syscall.Interrupted(sent))
            {
                continue;
            }

            if (sent >= 0 || LibC.errno != Errnos.EAGAIN)
            {
                return Syscall.Check(sent, call);
            }

            // The socket is non-blocking (.NET's async I/O made it so): wait for room, bounded.
            var poll = new pollfd { fd = fd, events = LibC.POLLOUT };
            int ready = Poll.Wait(&poll, 1, timeoutMilliseconds);
            if (!Syscall.Interrupted(ready) && Syscall.Check(ready, $"poll({fd}, POLLOUT)") == 0)
            {
                throw new TimeoutException($"{call}: socket not writable within {timeoutMilliseconds} ms");
            }
        }
    }
}
