using Tmds.Linux;

namespace AotShim.Native;

/// <summary>open(path, O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, mode): a log that several writers append to.</summary>
public static class AppendFiles
{
    public static unsafe FileDescriptor Open(string path, UnixFileMode mode)
    {
        byte[] bytes = Files.NullTerminated(path);
        int fd;
        fixed (byte* p = bytes)
        {
            do
            {
                fd = LibC.open(p, LibC.O_WRONLY | LibC.O_APPEND | LibC.O_CREAT | LibC.O_CLOEXEC, (ushort)mode);
            }
            while (Syscall.Interrupted(fd));
        }

        return new FileDescriptor(Syscall.Check(fd, $"open(\"{path}\", O_APPEND|O_CREAT)"));
    }
}
