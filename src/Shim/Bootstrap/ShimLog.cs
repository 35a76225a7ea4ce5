using AotShim.Native;

namespace AotShim.Shim.Bootstrap;

/// <summary>
/// The shim's log: the bundle's "log" fifo, which containerd reads into its own log, and the system log too once
/// the configuration's [runtime] enable_debug turns it on. Never stdout: containerd reads that for the address only.
/// </summary>
public sealed class ShimLog : IDisposable
{
    private readonly StreamWriter? _writer;
    private SystemLog? _systemLog;

    private ShimLog(StreamWriter? writer) => _writer = writer;

    public static ShimLog Open(string bundle)
    {
        // Non-blocking: without a reader (containerd not reading) open fails with ENXIO instead of hanging.
        FileDescriptor? fifo = Files.TryOpen(Path.Combine(bundle, "log"), OpenFlags.WriteOnly | OpenFlags.NonBlock, out _);
        if (fifo is null)
        {
            return new ShimLog(null);
        }

        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fifo.DangerousGetHandle(), ownsHandle: true);
        fifo.SetHandleAsInvalid();
        return new ShimLog(new StreamWriter(new FileStream(handle, FileAccess.Write, 1)) { AutoFlush = true });
    }

    /// <summary>From now on every line also goes to the system log (kata's enable_debug).</summary>
    public void AlsoToSystemLog(SystemLog systemLog)
    {
        if (Interlocked.CompareExchange(ref _systemLog, systemLog, null) is not null)
        {
            systemLog.Dispose();
        }
    }

    public void Write(string level, string message)
    {
        _systemLog?.Write(level, message);
        try
        {
            _writer?.WriteLine($"time=\"{DateTimeOffset.UtcNow:O}\" level={level} msg=\"{message.Replace("\"", "\\\"")}\"");
        }
        catch (IOException)
        {
            // containerd stopped reading; the shim keeps serving.
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _systemLog?.Dispose();
    }
}
