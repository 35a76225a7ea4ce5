using Tmds.Linux;

namespace AotShim.Native;

/// <summary>ioctl(2) on an owned descriptor; the handle stays referenced for the call's duration.</summary>
public static class Ioctl
{
    /// <summary>An ioctl whose argument is an integer (or unused) and whose result is the return value.</summary>
    public static int Invoke(FileDescriptor fd, uint request, int argument, string name)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            int result;
            do
            {
                result = LibC.ioctl(fd.Number, unchecked((int)request), argument);
            }
            while (Syscall.Interrupted(result));

            return Syscall.Check(result, $"ioctl({name}, {argument})");
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>_IO(type, nr): a request number without a payload.</summary>
    public static uint Io(uint type, uint number) => (type << 8) | number;
}
