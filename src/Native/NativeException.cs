namespace AotShim.Native;

/// <summary>A failed system call: names the call with its arguments and carries errno.</summary>
public sealed class NativeException : IOException
{
    public NativeException(string call, int errno)
        : base($"{call}: {Describe(errno)}")
    {
        Call = call;
        Errno = errno;
    }

    public string Call { get; }

    public int Errno { get; }

    /// <summary>"ENOENT (No such file or directory)": for reports that carry an errno without throwing.</summary>
    public static string Describe(int errno) => $"{ErrnoName(errno)} ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)})";

    private static string ErrnoName(int errno) => errno switch
    {
        Errnos.EPERM => "EPERM",
        Errnos.ENOENT => "ENOENT",
        Errnos.ESRCH => "ESRCH",
        Errnos.EINTR => "EINTR",
        Errnos.EIO => "EIO",
        Errnos.EBADF => "EBADF",
        Errnos.EAGAIN => "EAGAIN",
        Errnos.ENOMEM => "ENOMEM",
        Errnos.EACCES => "EACCES",
        Errnos.EBUSY => "EBUSY",
        Errnos.EEXIST => "EEXIST",
        Errnos.ENODEV => "ENODEV",
        Errnos.ENOTDIR => "ENOTDIR",
        Errnos.EINVAL => "EINVAL",
        Errnos.ENOTTY => "ENOTTY",
        Errnos.ERANGE => "ERANGE",
        Errnos.ENOSYS => "ENOSYS",
        Errnos.EOPNOTSUPP => "EOPNOTSUPP",
        Errnos.EADDRNOTAVAIL => "EADDRNOTAVAIL",
        Errnos.ENETUNREACH => "ENETUNREACH",
        _ => "errno " + errno,
    };
}
