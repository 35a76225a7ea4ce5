using System.Runtime.InteropServices;

namespace AotShim.GuestAgent.Native;

/// <summary>What the exec-in helper does to become a container process.</summary>
internal static partial class GuestLibc
{
    private const int MaxSignal = 64;
    private const int SigKill = 9;
    private const int SigStop = 19;
    private const int SigSetMask = 2;
    private const nint SigDfl = 0;
    private const nint SigErr = -1;
    private const int SignalSetBytes = 128;
    private const int XOk = 1;
    private const int FSetfd = 2;
    private const int FdCloexec = 1;

    public static void Chroot(string path) => Check(chroot(path), $"chroot(\"{path}\")");

    public static void Chdir(string path) => Check(chdir(path), $"chdir(\"{path}\")");

    public static void Unshare(int flags) => Check(unshare(flags), $"unshare(0x{flags:x})");

    public static void Setns(SafeHandle namespaceFd, string name)
    {
        using var fd = new Borrowed(namespaceFd);
        Check(setns(fd.Number, 0), $"setns({name})");
    }

    public static void Mount(string? source, string target, string? type, ulong flags, string? data) =>
        Check(mount(source, target, type, flags, data), $"mount(\"{source}\", \"{target}\", \"{type}\", 0x{flags:x}, \"{data}\")");

    public static void SetHostname(string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name);
        Check(sethostname(bytes, bytes.Length), $"sethostname(\"{name}\")");
    }

    /// <summary>Drops to the container user: supplementary groups first, then gid, then uid (the order setuid allows).</summary>
    public static void SetUser(uint uid, uint gid, uint[] groups)
    {
        Check(setgroups(groups.Length, groups), $"setgroups({string.Join(',', groups)})");
        Check(setgid(gid), $"setgid({gid})");
        Check(setuid(uid), $"setuid({uid})");
    }

    /// <summary>
    /// Default dispositions and an empty mask, as a fresh process has: the .NET runtime ignores SIGPIPE and blocks
    /// signals, and exec keeps both. glibc refuses its internal signals 32 and 33, which exec resets anyway.
    /// </summary>
    public static void ResetSignals()
    {
        for (int number = 1; number <= MaxSignal; number++)
        {
            if (number is not (SigKill or SigStop or 32 or 33) && signal(number, SigDfl) == SigErr)
            {
                Check(-1, $"signal({number}, SIG_DFL)");
            }
        }

        Check(sigprocmask(SigSetMask, new byte[SignalSetBytes], IntPtr.Zero), "sigprocmask(SIG_SETMASK, empty)");
    }

    /// <summary>Replaces this process image; returns only by throwing.</summary>
    public static void Execve(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment)
    {
        string?[] args = [.. argv, null];
        string?[] env = [.. environment, null];
        execve(path, args, env);
        Check(-1, $"execve(\"{path}\")");
    }

    public static bool IsExecutable(string path) => access(path, XOk) == 0;

    public static void SetCloseOnExec(int fd) => Check(fcntl(fd, FSetfd, FdCloexec), $"fcntl({fd}, F_SETFD, FD_CLOEXEC)");

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chroot(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chdir(string path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unshare(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string? source, string target, string? type, ulong flags, string? data);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sethostname(byte[] name, nint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgroups(nint count, uint[] groups);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgid(uint gid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setuid(uint uid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint signal(int number, nint handler);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sigprocmask(int how, byte[] set, IntPtr oldSet);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execve(string path, string?[] argv, string?[] envp);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int access(string path, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);
}
