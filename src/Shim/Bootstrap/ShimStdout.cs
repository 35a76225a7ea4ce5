using Microsoft.Win32.SafeHandles;

namespace AotShim.Shim.Bootstrap;

/// <summary>
/// containerd's pipe on fd 1 as a bare descriptor stream, for `start` and `delete`: writing through Console would
/// first set up terminal and signal handling (a thread and several syscalls) that a pipe never needs.
/// </summary>
public static class ShimStdout
{
    public static Stream Open() => new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}
