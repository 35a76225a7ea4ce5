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

    /// <summary>An ioctl that reads a 64-bit value from the caller (an _IOW(..., __u64) request).</summary>
    public static unsafe void Write(FileDescriptor fd, uint request, ulong value, string name)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            int result;
            do
            {
                result = LibC.ioctl(fd.Number, unchecked((int)request), &value);
            }
            while (Syscall.Interrupted(result));

            Syscall.Check(result, $"ioctl({name}, {value})");
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>An ioctl that writes an int back to the caller, e.g. FIONREAD; any owned handle (a FileStream's too).</summary>
    public static unsafe int ReadInt32(System.Runtime.InteropServices.SafeHandle fd, uint request, string name)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            int value = 0;
            int result;
            do
            {
                result = LibC.ioctl((int)fd.DangerousGetHandle(), unchecked((int)request), &value);
            }
            while (Syscall.Interrupted(result));

            Syscall.Check(result, $"ioctl({name})");
            return value;
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>An ioctl whose argument points at a struct the kernel reads and may fill in (struct ifreq, ...).</summary>
    public static unsafe void Exchange<T>(System.Runtime.InteropServices.SafeHandle fd, uint request, ref T argument, string name)
        where T : unmanaged
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            int result;
            fixed (T* p = &argument)
            {
                do
                {
                    result = LibC.ioctl((int)fd.DangerousGetHandle(), unchecked((int)request), p);
                }
                while (Syscall.Interrupted(result));
            }

            Syscall.Check(result, $"ioctl({name})");
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>_IOW(type, nr, size): the caller passes size bytes to the kernel (asm-generic encoding, x86_64 and arm64).</summary>
    public static uint Iow(uint type, uint number, uint size) => (1u << 30) | (size << 16) | (type << 8) | number;

    /// <summary>_IO(type, nr): a request number without a payload.</summary>
    public static uint Io(uint type, uint number) => (type << 8) | number;
}
