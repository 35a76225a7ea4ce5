using AotShim.Native;
using AotShim.Shim.Compute;
using AotShim.Shim.Hypervisor;
using AotShim.Shim.Network;
using AotShim.Shim.Persist;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Sandbox.Vm;

/// <summary>
/// What `delete` removes after a shim died without tearing its VM down: the QEMU named in the VM directory's pid file,
/// the share's mounts and both directories. Works from the paths alone, so it is safe to run when nothing is left.
/// </summary>
public static class VmLeftovers
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    /// <summary>Returns what could not be undone, for the log; what remains is then outside the sandbox's reach.</summary>
    public static IReadOnlyList<string> Clean(string sandboxId)
    {
        var paths = new VmPaths(sandboxId);
        SandboxState? state = SandboxStore.Read(sandboxId);
        int qemu = state?.QemuPid > 0 ? state.QemuPid : ReadPid(paths.PidFile) ?? 0;
        KillIfOurs(qemu, "sandbox-" + sandboxId);

        // virtiofsd holds the shim's private mount namespace open as long as QEMU does.
        KillIfOurs(state?.VirtioFsPid ?? 0, "source=" + paths.SharedDirectory);
        var problems = new List<string>(state?.Network is NetworkState network ? NetworkCleanup.Undo(network) : []);
        foreach (StorageRecord container in state?.Containers ?? [])
        {
            try
            {
                ContainerStorage.Clean(container);
            }
            catch (VolumeException e)
            {
                problems.Add(e.Message);
            }
        }

        if (state?.Cgroups is { Count: > 0 } cgroups)
        {
            SandboxCgroup.RemoveLeftoversAsync(cgroups, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        SandboxShare.Remove(paths.ShareRoot);
        try
        {
            Directory.Delete(paths.Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone, or removed under us by a shim still exiting.
        }

        SandboxStore.Remove(sandboxId);
        return problems;
    }

    private static void KillIfOurs(int pid, string argument)
    {
        if (pid > 0 && HasArgument(pid, argument))
        {
            Signals.Send(pid, Signals.SIGKILL);
            WaitGone(pid);
        }
    }

    private static int? ReadPid(string pidFile) =>
        File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) ? pid : null;

    /// <summary>Guards against a recycled pid: QEMU's argv carries -name sandbox-ID, virtiofsd's -o source=SHARE.</summary>
    private static bool HasArgument(int pid, string argument)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains(argument);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Not our child, so no wait(2): gone or a zombie (its parent reaps it) is gone enough to unmount.</summary>
    private static void WaitGone(int pid)
    {
        DateTime deadline = DateTime.UtcNow + KillWait;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    return;
                }
            }
            catch (IOException)
            {
                return;
            }

            Thread.Sleep(10);
        }

        throw new TimeoutException($"QEMU pid {pid} still runs {KillWait.TotalSeconds} s after SIGKILL");
    }
}
