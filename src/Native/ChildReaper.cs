using System.Runtime.InteropServices;

namespace AotShim.Native;

/// <summary>waitid(2) on exactly one child (never "any child"), so children other code started stay theirs.</summary>
internal static unsafe partial class ChildReaper
{
    public const int ByPid = 1;
    public const int ByPidfd = 3;
    private const int WaitExited = 4;
    private const int ChildExited = 1;

    /// <summary>Blocks until the child exits and reaps it; the exit code, or 128 + the signal that killed it.</summary>
    public static int Reap(int idType, int id, string call)
    {
        ChildInfo info = default;
        int result;
        do
        {
            result = waitid(idType, (uint)id, &info, WaitExited);
        }
        while (Syscall.Interrupted(result));

        Syscall.Check(result, call);
        return info.Code == ChildExited ? info.Status : 128 + info.Status;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitid(int idType, uint id, ChildInfo* info, int options);

    /// <summary>siginfo_t as waitid fills it for SIGCHLD (same layout on x86_64 and arm64).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct ChildInfo
    {
        [FieldOffset(8)]
        public int Code;

        [FieldOffset(24)]
        public int Status;
    }
}
