using Tmds.Linux;

namespace AotShim.Native.Netlink;

/// <summary>
/// A network namespace held by an open namespace file (/var/run/netns/NAME, /proc/PID/ns/net). Work runs inside it on a
/// thread of its own; sockets opened there (e.g. <see cref="RouteNetlink.Open"/>, <see cref="TapDevices.CreateTap"/>)
/// stay in the namespace after that thread has ended.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    private readonly FileDescriptor _fd;

    private NetworkNamespace(string path, FileDescriptor fd)
    {
        Path = path;
        _fd = fd;
    }

    public string Path { get; }

    /// <summary>Opens a namespace file; a path that is missing or not a network namespace fails naming it.</summary>
    public static NetworkNamespace Open(string path)
    {
        FileDescriptor fd = Files.Open(path, OpenFlags.ReadOnly);
        try
        {
            int type;
            try
            {
                type = Ioctl.Invoke(fd, Ioctl.Io(0xB7, 0x3), 0, "NS_GET_NSTYPE");
            }
            catch (NativeException e) when (e.Errno == Errnos.ENOTTY)
            {
                throw new ArgumentException($"{path} is not a namespace file", nameof(path), e);
            }

            return type == CloneNewNet
                ? new NetworkNamespace(path, fd)
                : throw new ArgumentException($"{path} is not a network namespace (nstype 0x{type:x})", nameof(path));
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> on a dedicated thread that entered this namespace; its exception propagates.</summary>
    public T Run<T>(Func<T> action) => NamespaceThread.Run("netns", () =>
    {
        Enter();
        return action();
    });

    public void Run(Action action) => Run(() =>
    {
        action();
        return true;
    });

    public void Dispose() => _fd.Dispose();

    /// <summary>setns(CLONE_NEWNET) for the calling thread only; use on a thread that ends afterwards.</summary>
    internal void Enter()
    {
        bool added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            Syscall.Check(LibC.setns(_fd.Number, CloneNewNet), $"setns(\"{Path}\", CLONE_NEWNET)");
        }
        finally
        {
            if (added)
            {
                _fd.DangerousRelease();
            }
        }
    }
}
