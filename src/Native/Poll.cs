using System.Runtime.InteropServices;
using Tmds.Linux;

namespace AotShim.Native;

/// <summary>
/// poll(2) with its errno kept. Tmds.LibC 0.5 declares poll without SetLastError, so after an EINTR (the runtime's own
/// signals cause them) LibC.errno still held the previous call's error, e.g. sendmsg's EAGAIN, and was thrown as such.
/// </summary>
public static unsafe partial class Poll
{
    public static int Wait(pollfd* fds, int count, int timeoutMilliseconds) => poll(fds, (nuint)count, timeoutMilliseconds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(pollfd* fds, nuint count, int timeout);
}
