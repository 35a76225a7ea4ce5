using AotShim.GuestAgent.Launch;
using AotShim.GuestAgent.Processes;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.GuestAgent.Containers;

/// <summary>
/// A container: its spec, rootfs, cgroup, the storages it mounted, its init process and its execs. Exec
/// processes stay (and stay readable) until the container is removed.
/// </summary>
internal sealed class GuestContainer
{
    private readonly Dictionary<string, GuestProcess> _execs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public GuestContainer(string id, Spec spec, ContainerCgroup cgroup, IReadOnlyList<string> storages, GuestProcess init)
    {
        Id = id;
        Spec = spec;
        Cgroup = cgroup;
        Storages = storages;
        Init = init;
    }

    public string Id { get; }

    public Spec Spec { get; }

    public string Rootfs => Spec.Root.Path;

    public ContainerCgroup Cgroup { get; }

    /// <summary>Mount points of the storages CreateContainer mounted, released at removal.</summary>
    public IReadOnlyList<string> Storages { get; }

    public GuestProcess Init { get; }

    /// <summary>The init process for an empty exec id or the container's own id, otherwise that exec.</summary>
    public GuestProcess Find(string execId)
    {
        if (execId.Length == 0 || execId == Id || execId == Init.ExecId)
        {
            return Init;
        }

        lock (_gate)
        {
            return _execs.TryGetValue(execId, out GuestProcess? process)
                ? process
                : throw new TtrpcException(TtrpcStatusCode.NotFound, $"exec {execId} of container {Id} not found");
        }
    }

    public void AddExec(GuestProcess process)
    {
        lock (_gate)
        {
            if (process.ExecId == Id || !_execs.TryAdd(process.ExecId, process))
            {
                throw new TtrpcException(TtrpcStatusCode.AlreadyExists, $"exec {process.ExecId} of container {Id} already exists");
            }
        }
    }

    /// <summary>Forgets an exec that failed to start.</summary>
    public void RemoveExec(GuestProcess process)
    {
        lock (_gate)
        {
            _execs.Remove(process.ExecId);
        }
    }

    public IReadOnlyList<GuestProcess> Processes()
    {
        lock (_gate)
        {
            return [Init, .. _execs.Values];
        }
    }

    /// <summary>The init process's plan: new namespaces, the spec's mounts, hostname and read-only root, the container's cgroup.</summary>
    public ExecPlan InitPlan() => Plan(Init.Spec) with
    {
        Hostname = Spec.Hostname,
        Mounts = ContainerMounts.From(Spec),
        ReadonlyRootfs = Spec.Root.Readonly,
    };

    /// <summary>An exec's plan: the namespaces of the running init process.</summary>
    public ExecPlan ExecPlan(Process process) => Plan(process) with { JoinPid = Init.Pid };

    private ExecPlan Plan(Process process) => new()
    {
        Rootfs = Rootfs,
        Cwd = process.Cwd.Length > 0 ? process.Cwd : "/",
        Uid = process.User?.UID ?? 0,
        Gid = process.User?.GID ?? 0,
        AdditionalGids = [.. process.User?.AdditionalGids ?? []],
        Cgroup = Cgroup.Path,
        Terminal = process.Terminal,
        Environment = [.. process.Env],
        Args = [.. process.Args],
    };
}
