using AotShim.Native;

namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>Starts QEMU as our child with exactly the spec's fds, an empty environment and its output in the sandbox log.</summary>
public static class QemuLauncher
{
    private const UnixFileMode LogMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    public static QemuProcess Start(QemuLaunchSpec spec)
    {
        using FileDescriptor log = AppendFiles.Open(spec.LogPath, LogMode);

        // Where QEMU's output begins, so a start-up failure reports QEMU's lines and not earlier ones.
        long logStart = new FileInfo(spec.LogPath).Length;
        var options = new SpawnOptions(spec.Binary, [spec.Binary, .. spec.Arguments])
        {
            StandardOutput = log,
            StandardError = log,
            Fds = spec.Fds,
        };
        return new QemuProcess(ProcessSpawner.Spawn(options), spec, logStart);
    }
}
