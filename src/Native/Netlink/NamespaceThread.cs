using System.Runtime.ExceptionServices;

namespace AotShim.Native.Netlink;

/// <summary>
/// Runs work on a fresh thread that may change its own namespaces (setns, unshare) and then ends, so no other code ever
/// runs in them by accident. The caller blocks until it is done; an exception is rethrown with its original stack.
/// </summary>
internal static class NamespaceThread
{
    public static T Run<T>(string name, Func<T> work)
    {
        T? result = default;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = work();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
            })
        { IsBackground = true, Name = name };
        thread.UnsafeStart();
        thread.Join();
        failure?.Throw();
        return result!;
    }
}
