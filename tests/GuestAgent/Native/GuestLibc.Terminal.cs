using System.Runtime.InteropServices;
using AotShim.Native;
using Microsoft.Win32.SafeHandles;

namespace AotShim.GuestAgent.Native;

/// <summary>ptys for terminal processes.</summary>
internal static partial class GuestLibc
{
    // asm-generic tty ioctls: the same numbers on x86_64 and arm64.
    private const ulong TiocScTty = 0x540E;
    private const ulong TiocSwinsz = 0x5414;

    /// <summary>A new pty: the master (close-on-exec) and the slave's path.</summary>
    public static (SafeFileHandle Master, string SlavePath) OpenPty()
    {
        int master = Check(posix_openpt(ORdwr | ONoctty | OCloexec), "posix_openpt");
        var handle = new SafeFileHandle(master, ownsHandle: true);
        try
        {
            Check(grantpt(master), "grantpt");
            Check(unlockpt(master), "unlockpt");
            Span<byte> name = stackalloc byte[128];
            int error = ptsname_r(master, name, name.Length);
            if (error != 0)
            {
                throw new NativeException("ptsname_r", error);
            }

            return (handle, System.Text.Encoding.ASCII.GetString(name[..name.IndexOf((byte)0)]));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Opens a pty slave without making it our controlling terminal.</summary>
    public static SafeFileHandle OpenTerminal(string path) =>
        new(Check(open(path, ORdwr | ONoctty | OCloexec), $"open(\"{path}\")"), ownsHandle: true);

    /// <summary>Makes the terminal on <paramref name="fd"/> the controlling terminal of this session leader.</summary>
    public static void SetControllingTerminal(int fd) => Check(ioctl(fd, TiocScTty, 0), $"ioctl({fd}, TIOCSCTTY)");

    public static void SetWindowSize(SafeHandle terminal, ushort rows, ushort columns)
    {
        var size = new WindowSize { Rows = rows, Columns = columns };
        using var fd = new Borrowed(terminal);
        Check(ioctl(fd.Number, TiocSwinsz, ref size), $"ioctl(TIOCSWINSZ, {columns}x{rows})");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlockpt(int fd);

    [LibraryImport("libc")]
    private static partial int ptsname_r(int fd, Span<byte> buffer, nint length);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, nint argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, ref WindowSize size);

    /// <summary>struct winsize.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }
}
