namespace AotShim.Native;

/// <summary>For calls that return the error number instead of setting errno (posix_spawn and its helpers).</summary>
internal static class ReturnedErrno
{
    public static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new NativeException(call, error);
        }
    }
}
