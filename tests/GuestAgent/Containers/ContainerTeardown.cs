using AotShim.GuestAgent.Processes;
using AotShim.GuestAgent.Sandbox;
using AotShim.Native;

namespace AotShim.GuestAgent.Containers;

/// <summary>
/// Removes a container: processes that never started are ended, every process left in its cgroup is killed,
/// the cgroup removed, stdio closed, its storages released and the container forgotten.
/// </summary>
internal static class ContainerTeardown
{
    public static async Task RemoveAsync(GuestSandbox sandbox, GuestContainer container)
    {
        IReadOnlyList<GuestProcess> processes = container.Processes();
        foreach (GuestProcess process in processes.Where(p => !p.Started))
        {
            process.Signal(Signals.SIGKILL);
        }

        await container.Cgroup.RemoveAsync().ConfigureAwait(false);
        await Task.WhenAll(processes.Select(p => p.Exited)).ConfigureAwait(false);
        foreach (GuestProcess process in processes)
        {
            process.Dispose();
        }

        sandbox.Storages.Release(container.Storages);
        sandbox.Remove(container.Id);
    }
}
