using AotShim.GuestAgent.Native;

namespace AotShim.GuestAgent.Containers;

/// <summary>
/// One container's cgroup v2 group: every process of the container (init, execs and their children) is in it,
/// which is how "all processes" are found for signals, pause/resume (cgroup.freeze), stats and teardown.
/// </summary>
internal sealed class ContainerCgroup
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(10);

    private ContainerCgroup(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static ContainerCgroup Create(string containerId)
    {
        string path = System.IO.Path.Combine(CgroupHierarchy.Containers, containerId);
        Directory.CreateDirectory(path);
        return new ContainerCgroup(path);
    }

    public IReadOnlyList<int> Pids() =>
        [.. System.IO.File.ReadAllLines(File("cgroup.procs")).Where(l => l.Length > 0).Select(int.Parse)];

    /// <summary>Frozen while signalling, so no process forks a child that escapes the signal.</summary>
    public async Task SignalAllAsync(int signal)
    {
        await FreezeAsync(true).ConfigureAwait(false);
        try
        {
            foreach (int pid in Pids())
            {
                GuestLibc.Kill(pid, signal);
            }
        }
        finally
        {
            await FreezeAsync(false).ConfigureAwait(false);
        }
    }

    /// <summary>Writes cgroup.freeze and waits until cgroup.events reports the state reached.</summary>
    public Task FreezeAsync(bool frozen)
    {
        System.IO.File.WriteAllText(File("cgroup.freeze"), frozen ? "1" : "0");
        return WaitForEventAsync("frozen", frozen ? "1" : "0");
    }

    public string Read(string name) => System.IO.File.ReadAllText(File(name)).Trim();

    public bool Has(string name) => System.IO.File.Exists(File(name));

    public void Write(string name, string value) => System.IO.File.WriteAllText(File(name), value);

    /// <summary>SIGKILLs whatever is left (cgroup.kill), waits until the group is empty, and removes it.</summary>
    public async Task RemoveAsync()
    {
        if (!Directory.Exists(Path))
        {
            return;
        }

        Write("cgroup.kill", "1");
        await WaitForEventAsync("populated", "0").ConfigureAwait(false);
        Directory.Delete(Path);
    }

    private async Task WaitForEventAsync(string key, string value)
    {
        DateTime deadline = DateTime.UtcNow + SettleTimeout;
        while (!System.IO.File.ReadLines(File("cgroup.events")).Contains($"{key} {value}"))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"cgroup {Path}: {key} did not become {value} within {SettleTimeout.TotalSeconds} s");
            }

            await Task.Delay(SettlePoll).ConfigureAwait(false);
        }
    }

    private string File(string name) => System.IO.Path.Combine(Path, name);
}
