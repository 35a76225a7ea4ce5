using System.Runtime.InteropServices;
using Tmds.Linux;

namespace AotShim.Native;

/// <summary>An owned file descriptor; closing it is the handle's job alone.</summary>
public sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor()
        : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    internal FileDescriptor(int fd)
        : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    /// <summary>Takes ownership of a raw descriptor a syscall returned (e.g. an ioctl that creates an fd).</summary>
    public static FileDescriptor Adopt(int fd) => new(fd);

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw number, for passing to a syscall while a reference is held.</summary>
    public int Number => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => LibC.close((int)handle.ToInt64()) == 0;
}

