using AotShim.Shim.Agent.Protocol;

namespace AotShim.Shim.Compute;

/// <summary>
/// kata's sandbox cpuset: the sandbox cgroup is confined to the union of its containers' linux.resources.cpu.cpus and
/// .mems, so a kubelet CPU-manager pinning reaches the host threads that run the pod (the vCPUs, or with
/// sandbox_cgroup_only the whole VMM). Those lists name host CPUs, so the guest never sees them. No container with a
/// cpuset leaves the parent's.
/// </summary>
public sealed class SandboxCpuset(SandboxCgroup cgroup)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (SortedSet<int> Cpus, SortedSet<int> Mems)> _containers = new(StringComparer.Ordinal);
    private (string Cpus, string Mems) _applied = ("", "");

    /// <summary>What the cgroup is confined to now: empty lists are the parent's.</summary>
    public (string Cpus, string Mems) Applied
    {
        get
        {
            lock (_lock)
            {
                return _applied;
            }
        }
    }

    /// <summary>Create (a new id) or Update (a known id: an empty list keeps the previous one, as kata merges).</summary>
    /// <exception cref="ArgumentException">A list is malformed or the kernel refused it; the message names the container.</exception>
    public void Apply(string containerId, LinuxResources? resources)
    {
        LinuxCPU? cpu = resources?.CPU;
        lock (_lock)
        {
            bool known = _containers.TryGetValue(containerId, out var previous);
            SortedSet<int> cpus = cpu is { Cpus.Length: > 0 } ? Parse(containerId, "cpus", cpu.Cpus) : known ? previous.Cpus : [];
            SortedSet<int> mems = cpu is { Mems.Length: > 0 } ? Parse(containerId, "mems", cpu.Mems) : known ? previous.Mems : [];
            _containers[containerId] = (cpus, mems);
            try
            {
                Write(containerId);
            }
            catch
            {
                if (known)
                {
                    _containers[containerId] = previous;
                }
                else
                {
                    _containers.Remove(containerId);
                }

                throw;
            }
        }
    }

    /// <summary>Delete: the cgroup widens to what the other containers name.</summary>
    /// <exception cref="ArgumentException">The kernel refused the wider set; the message names the container.</exception>
    public void Remove(string containerId)
    {
        lock (_lock)
        {
            if (_containers.Remove(containerId))
            {
                Write(containerId);
            }
        }
    }

    private void Write(string containerId)
    {
        (string Cpus, string Mems) union = (Union(c => c.Cpus), Union(c => c.Mems));
        if (union == _applied)
        {
            return;
        }

        try
        {
            cgroup.SetCpuset(union.Cpus, union.Mems);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"container {containerId}: confining the sandbox to CPUs \"{union.Cpus}\", memory nodes \"{union.Mems}\": {e.Message}", e);
        }

        _applied = union;
    }

    private string Union(Func<(SortedSet<int> Cpus, SortedSet<int> Mems), SortedSet<int>> pick)
    {
        var all = new SortedSet<int>();
        foreach (var container in _containers.Values)
        {
            all.UnionWith(pick(container));
        }

        return CpuList.Format(all);
    }

    private static SortedSet<int> Parse(string containerId, string field, string list)
    {
        try
        {
            return CpuList.Parse(list);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"container {containerId}: linux.resources.cpu.{field}: {e.Message}", e);
        }
    }
}
