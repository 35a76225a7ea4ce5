using System.Text.Json;
using AotShim.Shim.Sandbox;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.TestShim;

/// <summary>A host-backed container: its init process and the processes exec'd into its namespaces.</summary>
internal sealed class HostContainer(ContainerRequest request, HostProcess init) : IContainer
{
    private readonly List<HostProcess> _execs = [];

    public string Id => request.Id;

    public IProcess Init => init;

    public ValueTask<IProcess> ExecAsync(ExecRequest exec, CancellationToken cancellationToken)
    {
        using JsonDocument spec = JsonDocument.Parse(exec.ProcessSpecJson);
        var (args, env, cwd) = HostSandbox.ProcessSpec(spec.RootElement);
        HostProcess process = HostProcess.Create(
            exec.ExecId,
            ["/usr/bin/nsenter", $"--target={init.Pid}", "--uts", "--ipc", "--mount", "--root", $"--wd={cwd}", "--", .. args],
            env,
            exec.Stdio);
        lock (_execs)
        {
            _execs.Add(process);
        }

        return ValueTask.FromResult<IProcess>(process);
    }

    public ValueTask PauseAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("the host test backend cannot freeze a container");

    public ValueTask ResumeAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("the host test backend cannot freeze a container");

    /// <summary>The init process and everything below it, plus running execs and theirs, from /proc's parent links.</summary>
    public ValueTask<IReadOnlyList<int>> PidsAsync(CancellationToken cancellationToken)
    {
        var parents = new Dictionary<int, int>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(directory), out int pid))
                {
                    string stat = File.ReadAllText(Path.Combine(directory, "stat"));
                    parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                }
            }
            catch (IOException)
            {
            }
        }

        HashSet<int> tree;
        lock (_execs)
        {
            tree = [init.Pid, .. _execs.Where(e => !e.Exited.IsCompleted).Select(e => e.Pid)];
        }

        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                grew |= tree.Contains(parent) && tree.Add(pid);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<int>>([.. tree.Order()]);
    }

    public ValueTask UpdateAsync(ReadOnlyMemory<byte> resourcesJson, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the host test backend has no cgroups to update");

    public ValueTask<Any> StatsAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("the host test backend has no cgroup metrics");

    public ValueTask DeleteAsync(CancellationToken cancellationToken)
    {
        string rootfs = Path.Combine(request.Bundle, "rootfs");
        AotShim.Native.Mounts.UnmountAll(rootfs);
        File.Delete(Path.Combine(request.Bundle, HostSandbox.InitPidFile));
        return ValueTask.CompletedTask;
    }
}
