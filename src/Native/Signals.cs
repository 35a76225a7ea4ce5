using Tmds.Linux;

namespace AotShim.Native;

/// <summary>The signal numbers the project sends (asm-generic numbering, same on x86_64 and arm64), and kill(2).</summary>
public static class Signals
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>kill(2) of a process that is not our child (e.g. the QEMU a crashed shim left); false when it is already gone.</summary>
    public static bool Send(int pid, int signal)
    {
        if (LibC.kill(pid, signal) == 0)
        {
            return true;
        }

        int errno = LibC.errno;
        return errno == Errnos.ESRCH ? false : throw new NativeException($"kill({pid}, {signal})", errno);
    }
}
