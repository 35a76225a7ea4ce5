namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>QEMU exited or never became ready during start-up; the message carries the end of its stderr.</summary>
public sealed class QemuStartException : Exception
{
    public QemuStartException(string message, int exitStatus, string stderr, Exception? innerException)
        : base(message, innerException)
    {
        ExitStatus = exitStatus;
        Stderr = stderr;
    }

    /// <summary>The exit code, or 128 + the signal that ended QEMU (SIGKILL when it was ended for not becoming ready).</summary>
    public int ExitStatus { get; }

    /// <summary>The last few KiB QEMU wrote to the sandbox log.</summary>
    public string Stderr { get; }
}
