using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace AotShim.Native;

/// <summary>
/// AF_VSOCK stream sockets. .NET's Socket cannot create or address this family itself, so the socket is made,
/// bound, connected and accepted here and only then handed to <see cref="Socket"/> for its async I/O.
/// </summary>
public static class VsockSockets
{
    /// <summary>VMADDR_CID_ANY: listen on every CID of this side.</summary>
    public const uint AnyCid = uint.MaxValue;

    private const int AF_VSOCK = 40;

    /// <summary>SO_VM_SOCKETS_CONNECT_TIMEOUT (the "old" value that takes the native struct timeval), level AF_VSOCK.</summary>
    private const int SO_VM_SOCKETS_CONNECT_TIMEOUT = 6;

    /// <summary>Connects to <paramref name="cid"/>:<paramref name="port"/>, blocking for at most <paramref name="timeout"/>.</summary>
    public static unsafe Socket Connect(uint cid, uint port, TimeSpan timeout)
    {
        FileDescriptor fd = Create();
        try
        {
            long micros = (long)timeout.TotalMicroseconds;
            var limit = new Timeval(micros / 1_000_000, micros % 1_000_000);
            Syscall.Check(LibC.setsockopt(fd.Number, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &limit, (socklen_t)sizeof(Timeval)),
                $"setsockopt(vsock, SO_VM_SOCKETS_CONNECT_TIMEOUT, {timeout.TotalMilliseconds} ms)");
            var address = new VsockAddress(cid, port);
            int result;
            do
            {
                result = LibC.connect(fd.Number, (sockaddr*)&address, (socklen_t)sizeof(VsockAddress));
            }
            while (Syscall.Interrupted(result));

            Syscall.Check(result, $"connect(vsock://{cid}:{port})");
            return Wrap(fd);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>A socket listening on <paramref name="port"/> of every local CID.</summary>
    public static unsafe Socket Listen(uint port, int backlog)
    {
        FileDescriptor fd = Create();
        try
        {
            var address = new VsockAddress(AnyCid, port);
            Syscall.Check(LibC.bind(fd.Number, (sockaddr*)&address, (socklen_t)sizeof(VsockAddress)), $"bind(vsock://-1:{port})");
            Syscall.Check(LibC.listen(fd.Number, backlog), $"listen(vsock port {port})");
            return Wrap(fd);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for a peer to connect to <paramref name="listener"/>; null when none did.</summary>
    public static unsafe Socket? Accept(Socket listener, int timeoutMilliseconds)
    {
        int listening = (int)listener.SafeHandle.DangerousGetHandle();
        var poll = new pollfd { fd = listening, events = LibC.POLLIN };
        int ready = Poll.Wait(&poll, 1, timeoutMilliseconds);
        if (Syscall.Interrupted(ready) || Syscall.Check(ready, $"poll(vsock fd {listening}, POLLIN)") == 0)
        {
            return null;
        }

        int accepted = LibC.accept4(listening, null, null, LibC.SOCK_CLOEXEC);
        if (accepted == -1 && LibC.errno is Errnos.EAGAIN or Errnos.EINTR)
        {
            return null;
        }

        return Wrap(FileDescriptor.Adopt(Syscall.Check(accepted, $"accept4(vsock fd {listening})")));
    }

    private static FileDescriptor Create() =>
        FileDescriptor.Adopt(Syscall.Check(LibC.socket(AF_VSOCK, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0), "socket(AF_VSOCK, SOCK_STREAM)"));

    private static Socket Wrap(FileDescriptor fd)
    {
        var handle = new SafeSocketHandle(fd.DangerousGetHandle(), ownsHandle: true);
        fd.SetHandleAsInvalid();
        return new Socket(handle);
    }

    /// <summary>struct timeval on a 64-bit kernel.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Timeval(long seconds, long microseconds)
    {
        private readonly long _seconds = seconds;
        private readonly long _microseconds = microseconds;
    }

    /// <summary>struct sockaddr_vm.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct VsockAddress(uint cid, uint port)
    {
        private readonly ushort _family = AF_VSOCK;
        private readonly ushort _reserved;
        private readonly uint _port = port;
        private readonly uint _cid = cid;
        private readonly uint _zero;
    }
}
