using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AotShim.TestShim;

/// <summary>A pty for `ctr run -t`: the slave becomes the process's stdio, the master is copied to containerd's fifos.</summary>
internal sealed partial class HostTerminal : IDisposable
{
    private const int ORdwr = 2;
    private const int ONoctty = 0x100;
    private const int OCloexec = 0x80000;
    private const uint TiocSwinsz = 0x5414;

    private HostTerminal(SafeFileHandle master, string slavePath)
    {
        Master = master;
        SlavePath = slavePath;
    }

    public SafeFileHandle Master { get; }

    public string SlavePath { get; }

    public static HostTerminal Open()
    {
        int master = posix_openpt(ORdwr | ONoctty | OCloexec);
        if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
        {
            throw new IOException($"cannot allocate a pty: errno {Marshal.GetLastPInvokeError()}");
        }

        var buffer = new byte[128];
        if (ptsname_r(master, buffer, buffer.Length) != 0)
        {
            throw new IOException("ptsname_r failed");
        }

        return new HostTerminal(new SafeFileHandle(master, ownsHandle: true), System.Text.Encoding.ASCII.GetString(buffer, 0, Array.IndexOf(buffer, (byte)0)));
    }

    /// <summary>Copies the terminal to stdout and stdin to the terminal until the process side closes.</summary>
    public Task CopyAsync(string stdin, string stdout)
    {
        var output = Task.Run(async () =>
        {
            await using var from = new FileStream(new SafeFileHandle(Master.DangerousGetHandle(), ownsHandle: false), FileAccess.Read, 1);
            await using FileStream to = File.OpenWrite(stdout);
            try
            {
                await from.CopyToAsync(to);
            }
            catch (IOException)
            {
                // EIO: every holder of the slave side has exited.
            }
        });
        if (stdin.Length > 0)
        {
            _ = Task.Run(async () =>
            {
                await using FileStream from = File.OpenRead(stdin);
                await using var to = new FileStream(new SafeFileHandle(Master.DangerousGetHandle(), ownsHandle: false), FileAccess.Write, 1);
                try
                {
                    await from.CopyToAsync(to);
                }
                catch (IOException)
                {
                }
            });
        }

        return output;
    }

    public unsafe void Resize(uint width, uint height)
    {
        ushort* size = stackalloc ushort[4] { (ushort)height, (ushort)width, 0, 0 };
        ioctl(Master.DangerousGetHandle().ToInt32(), TiocSwinsz, size);
    }

    public void Dispose() => Master.Dispose();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_openpt(int flags);

    [LibraryImport("libc")]
    private static partial int grantpt(int fd);

    [LibraryImport("libc")]
    private static partial int unlockpt(int fd);

    [LibraryImport("libc")]
    private static partial int ptsname_r(int fd, byte[] buffer, nint length);

    [LibraryImport("libc")]
    private static unsafe partial int ioctl(int fd, uint request, ushort* size);
}
