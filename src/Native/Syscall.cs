using Tmds.Linux;

namespace AotShim.Native;

/// <summary>The one place where a -1 return becomes an exception naming the call.</summary>
internal static class Syscall
{
    public static int Check(int result, string call)
    {
        if (result == -1)
        {
            throw new NativeException(call, LibC.errno);
        }

        return result;
    }

    /// <summary>True when the last call failed with EINTR and should simply be repeated.</summary>
    public static bool Interrupted(int result) => result == -1 && LibC.errno == Errnos.EINTR;
}
