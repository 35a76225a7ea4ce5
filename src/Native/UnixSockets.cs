using System.Text;
using Tmds.Linux;

namespace AotShim.Native;

/// <summary>
/// Unix stream sockets made with plain syscalls, for the shim's `start`: System.Net.Sockets would start its epoll
/// thread and probe the address families first, which costs a short-lived process more than the bind itself.
/// </summary>
public static unsafe class UnixSockets
{
    private const int EADDRINUSE = 98;

    /// <summary>
    /// Binds and listens on <paramref name="path"/>. A socket file nobody answers on any more (its server died) is
    /// replaced; one a live server listens on is not.
    /// </summary>
    public static FileDescriptor Listen(string path, int backlog)
    {
        sockaddr_un address = AddressOf(path, out socklen_t length);
        FileDescriptor fd = Create();
        try
        {
            if (LibC.bind(fd.Number, (sockaddr*)&address, length) == -1)
            {
                int errno = LibC.errno;
                if (errno != EADDRINUSE || Answers(path))
                {
                    throw new NativeException($"bind(\"{path}\")", errno);
                }

                if (LibC.unlink(address.sun_path) == -1 && LibC.errno != Errnos.ENOENT)
                {
                    throw new NativeException($"unlink(\"{path}\")", LibC.errno);
                }

                Syscall.Check(LibC.bind(fd.Number, (sockaddr*)&address, length), $"bind(\"{path}\")");
            }

            Syscall.Check(LibC.listen(fd.Number, backlog), $"listen(\"{path}\")");
            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>True when something accepts connections on <paramref name="path"/>.</summary>
    public static bool Answers(string path)
    {
        sockaddr_un address = AddressOf(path, out socklen_t length);
        using FileDescriptor fd = Create();
        int result;
        do
        {
            result = LibC.connect(fd.Number, (sockaddr*)&address, length);
        }
        while (Syscall.Interrupted(result));

        return result == 0;
    }

    private static FileDescriptor Create() =>
        new(Syscall.Check(LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0), "socket(AF_UNIX, SOCK_STREAM)"));

    private static sockaddr_un AddressOf(string path, out socklen_t length)
    {
        sockaddr_un address = default;
        var pathBytes = new Span<byte>(address.sun_path, sizeof(sockaddr_un) - sizeof(sa_family_t));
        int byteCount = Encoding.UTF8.GetByteCount(path);

        // One byte must stay zero: the kernel reads a NUL-terminated path.
        if (byteCount >= pathBytes.Length)
        {
            throw new ArgumentException($"unix socket path \"{path}\" is longer than {pathBytes.Length - 1} bytes", nameof(path));
        }

        address.sun_family = (sa_family_t)LibC.AF_UNIX;
        Encoding.UTF8.GetBytes(path, pathBytes);
        length = (socklen_t)(sizeof(sa_family_t) + byteCount + 1);
        return address;
    }
}
