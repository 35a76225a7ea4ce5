using System.Runtime.InteropServices;

namespace AotShim.GuestAgent.Native;

/// <summary>Signals to arbitrary pids (a cgroup's members) and the guest's clock.</summary>
internal static partial class GuestLibc
{
    private const int Esrch = 3;

    public static void Kill(int pid, int signal)
    {
        // A process that exited meanwhile (ESRCH) has nothing left to signal.
        if (kill(pid, signal) == -1 && Marshal.GetLastPInvokeError() != Esrch)
        {
            Check(-1, $"kill({pid}, {signal})");
        }
    }

    public static void SetTimeOfDay(long seconds, long microseconds)
    {
        var time = new TimeValue { Seconds = seconds, Microseconds = microseconds };
        Check(settimeofday(ref time, IntPtr.Zero), $"settimeofday({seconds}.{microseconds:D6})");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int settimeofday(ref TimeValue time, IntPtr zone);

    /// <summary>struct timeval (64-bit time_t on x86_64 and arm64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeValue
    {
        public long Seconds;
        public long Microseconds;
    }
}
