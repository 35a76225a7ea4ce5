using System.Net.Sockets;
using AotShim.Native;
using AotShim.Shim.Config;

namespace AotShim.Shim.Hypervisor;

/// <summary>
/// The sandbox's virtiofsd, started as kata 3.x starts it: the share as its source, its vhost-user socket bound by
/// us and handed over as fd 3 (QEMU connects to the path), output appended to the sandbox log.
/// </summary>
public sealed class VirtioFsDaemon : IAsyncDisposable
{
    private const int SocketFd = 3;
    private const string SyslogSocket = "/dev/log";
    private const UnixFileMode LogMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);

    private readonly Socket _listener;
    private readonly ChildProcess _process;

    private VirtioFsDaemon(Socket listener, ChildProcess process)
    {
        _listener = listener;
        _process = process;
    }

    public int Pid => _process.Pid;

    public Task<int> Exited => _process.Exited;

    public static VirtioFsDaemon Start(QemuConfig hypervisor, string sharedDirectory, string socketPath, string logPath)
    {
        if (!File.Exists(hypervisor.VirtioFsDaemon))
        {
            throw new FileNotFoundException($"[hypervisor.qemu] virtio_fs_daemon {hypervisor.VirtioFsDaemon} does not exist; install virtiofsd or set shared_fs = \"virtio-9p\"", hypervisor.VirtioFsDaemon);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(1);

            // virtiofsd accepts on it with a blocking accept(2); .NET makes sockets non-blocking by default.
            listener.Blocking = true;
            using FileDescriptor log = AppendFiles.Open(logPath, LogMode);
            var options = new SpawnOptions(hypervisor.VirtioFsDaemon, [hypervisor.VirtioFsDaemon, .. Arguments(hypervisor, sharedDirectory, File.Exists(SyslogSocket))])
            {
                StandardOutput = log,
                StandardError = log,
                Fds = [new FdMapping(listener.SafeHandle, SocketFd)],
            };
            return new VirtioFsDaemon(listener, ProcessSpawner.Spawn(options));
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Kata's virtiofsd arguments: syslog, cache mode, no POSIX locks, the source, the socket fd, then the user's.
    /// Without a syslog socket virtiofsd exits at the first connection, so there it logs to the sandbox log instead.
    /// </summary>
    public static IReadOnlyList<string> Arguments(QemuConfig hypervisor, string sharedDirectory, bool hasSyslog) =>
    [
        .. hasSyslog ? ["--syslog"] : Array.Empty<string>(),
        "-o", "cache=" + Cache(hypervisor.VirtioFsCache),
        "-o", "no_posix_lock",
        "-o", "source=" + sharedDirectory,
        $"--fd={SocketFd}",
        .. hypervisor.VirtioFsExtraArgs,
    ];

    /// <summary>Kata's cache names mapped onto what virtiofsd accepts.</summary>
    private static string Cache(string configured) => configured switch
    {
        "never" => "none",
        "metadata" => "auto",
        _ => configured,
    };

    /// <summary>SIGTERM, SIGKILL after a grace period; the socket file goes with the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.Exited.IsCompleted)
        {
            _process.Signal(Signals.SIGTERM);
            try
            {
                await _process.Exited.WaitAsync(StopGrace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _process.Signal(Signals.SIGKILL);
            }
        }

        await ((Task)_process.Exited).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
        _listener.Dispose();
    }
}
