using AotShim.Native;
using Containerd.Task.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Bootstrap;

/// <summary>
/// `delete`: containerd's cleanup after a shim that died. Releases what the sandbox left (through
/// <paramref name="cleanupSandbox"/>), the bundle's rootfs mount and the shim socket, then prints a
/// DeleteResponse: the task was killed (128 + SIGKILL).
/// </summary>
public static class ShimDelete
{
    private const uint KilledStatus = 128 + 9;

    public static int Run(ShimArguments arguments, Stream stdout, Action<string>? cleanupSandbox = null)
    {
        string bundle = arguments.Bundle ?? Directory.GetCurrentDirectory();
        ShimPidFile.WaitUntilGone(bundle, arguments.Id);
        cleanupSandbox?.Invoke(bundle);
        Mounts.UnmountAll(Path.Combine(bundle, "rootfs"));
        if (arguments.Address.Length > 0)
        {
            File.Delete(ShimSocket.PathFor(arguments.Address, arguments.Namespace, arguments.Id));
        }

        new DeleteResponse { ExitStatus = KilledStatus, ExitedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) }.WriteTo(stdout);
        stdout.Flush();
        return 0;
    }
}
