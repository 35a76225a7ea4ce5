using AotShim.Shim.Sandbox;
using AotShim.Shim.Ttrpc;
using Containerd.Events;
using Containerd.Task.V2;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Tasks;

/// <summary>
/// containerd.task.v2.Task: translates each RPC into sandbox operations and task events, as containerd's runc
/// shim does, without knowing what runs the containers.
/// </summary>
public sealed class TaskService(ISandbox sandbox, ITaskEventPublisher events, Action shutdown)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TaskContainer> _containers = [];

    public async ValueTask<CreateTaskResponse> CreateAsync(CreateTaskRequest request, CancellationToken ct)
    {
        if (request.Checkpoint.Length > 0)
        {
            throw new TtrpcException(TtrpcStatusCode.Unimplemented, "restoring from a checkpoint is not supported");
        }

        lock (_lock)
        {
            if (_containers.ContainsKey(request.Id))
            {
                throw new TtrpcException(TtrpcStatusCode.AlreadyExists, $"container {request.Id} already exists");
            }
        }

        var stdio = new ProcessStdio(request.Stdin, request.Stdout, request.Stderr, request.Terminal);
        var rootfs = request.Rootfs.Select(m => new RootfsMount(m.Type, m.Source, [.. m.Options])).ToList();
        IContainer container = await Backend(() => sandbox.CreateContainerAsync(new ContainerRequest(request.Id, request.Bundle, rootfs, stdio, RuntimeOptions.ConfigPath(request.Options)), ct));
        var task = new TaskContainer(container, request.Bundle, new TaskProcess(container.Init, stdio));
        lock (_lock)
        {
            _containers.Add(request.Id, task);
        }

        var created = new TaskCreate
        {
            ContainerId = request.Id,
            Bundle = request.Bundle,
            Io = new TaskIO { Stdin = request.Stdin, Stdout = request.Stdout, Stderr = request.Stderr, Terminal = request.Terminal },
            Pid = (uint)container.Init.Pid,
        };
        created.Rootfs.AddRange(request.Rootfs);
        events.Publish(TaskEventTopics.Create, created);
        return new CreateTaskResponse { Pid = (uint)container.Init.Pid };
    }

    public async ValueTask<StartResponse> StartAsync(StartRequest request, CancellationToken ct)
    {
        TaskProcess process = Find(request.Id, request.ExecId, out _);
        await Backend(() => process.Process.StartAsync(ct));
        process.Started = true;
        uint pid = (uint)process.Process.Pid;
        process.ExitPublished = PublishExitWhenDone(request.Id, request.ExecId, process);
        events.Publish(
            request.ExecId.Length == 0 ? TaskEventTopics.Start : TaskEventTopics.ExecStarted,
            request.ExecId.Length == 0
                ? new TaskStart { ContainerId = request.Id, Pid = pid }
                : new TaskExecStarted { ContainerId = request.Id, ExecId = request.ExecId, Pid = pid });
        return new StartResponse { Pid = pid };
    }

    public async ValueTask<DeleteResponse> DeleteAsync(DeleteRequest request, CancellationToken ct)
    {
        TaskProcess process = Find(request.Id, request.ExecId, out TaskContainer container);
        if (!process.Process.Exited.IsCompleted)
        {
            if (process.Started)
            {
                throw new TtrpcException(TtrpcStatusCode.FailedPrecondition, $"cannot delete {Describe(request.Id, request.ExecId)}: it is still running");
            }

            // Created but never started: nothing was run for containerd, so the process just goes away.
            await Backend(() => process.Process.KillAsync(9, false, ct));
        }

        ProcessExit exit = await process.Process.Exited.WaitAsync(ct);

        // containerd must see a task's exit before its delete.
        await process.ExitPublished.WaitAsync(ct);
        if (request.ExecId.Length == 0)
        {
            await Backend(() => container.Container.DeleteAsync(ct));
            lock (_lock)
            {
                _containers.Remove(request.Id);
            }

            events.Publish(TaskEventTopics.Delete, new TaskDelete
            {
                ContainerId = request.Id,
                Id = request.Id,
                Pid = (uint)process.Process.Pid,
                ExitStatus = exit.Status,
                ExitedAt = Timestamp.FromDateTimeOffset(exit.At),
            });
        }
        else
        {
            lock (_lock)
            {
                container.Execs.Remove(request.ExecId);
            }
        }

        return new DeleteResponse { Pid = (uint)process.Process.Pid, ExitStatus = exit.Status, ExitedAt = Timestamp.FromDateTimeOffset(exit.At) };
    }

    public async ValueTask<Empty> ExecAsync(ExecProcessRequest request, CancellationToken ct)
    {
        TaskContainer container = FindContainer(request.Id);
        lock (_lock)
        {
            if (container.Execs.ContainsKey(request.ExecId))
            {
                throw new TtrpcException(TtrpcStatusCode.AlreadyExists, $"exec {request.ExecId} already exists in container {request.Id}");
            }
        }

        var stdio = new ProcessStdio(request.Stdin, request.Stdout, request.Stderr, request.Terminal);
        IProcess exec = await Backend(() => container.Container.ExecAsync(new ExecRequest(request.ExecId, request.Spec?.Value.Memory ?? default, stdio), ct));
        lock (_lock)
        {
            container.Execs.Add(request.ExecId, new TaskProcess(exec, stdio));
        }

        events.Publish(TaskEventTopics.ExecAdded, new TaskExecAdded { ContainerId = request.Id, ExecId = request.ExecId });
        return new Empty();
    }

    public ValueTask<StateResponse> StateAsync(StateRequest request, CancellationToken ct)
    {
        TaskProcess process = Find(request.Id, request.ExecId, out TaskContainer container);
        var response = new StateResponse
        {
            Id = request.Id,
            ExecId = request.ExecId,
            Bundle = container.Bundle,
            Pid = (uint)process.Process.Pid,
            Status = process.Status,
            Stdin = process.Stdio.Stdin,
            Stdout = process.Stdio.Stdout,
            Stderr = process.Stdio.Stderr,
            Terminal = process.Stdio.Terminal,
        };
        if (process.Process.Exited.IsCompletedSuccessfully)
        {
            response.ExitStatus = process.Process.Exited.Result.Status;
            response.ExitedAt = Timestamp.FromDateTimeOffset(process.Process.Exited.Result.At);
        }

        return ValueTask.FromResult(response);
    }

    public async ValueTask<PidsResponse> PidsAsync(PidsRequest request, CancellationToken ct)
    {
        IReadOnlyList<int> pids = await Backend(() => FindContainer(request.Id).Container.PidsAsync(ct));
        var response = new PidsResponse();
        response.Processes.AddRange(pids.Select(pid => new Containerd.V1.Types.ProcessInfo { Pid = (uint)pid }));
        return response;
    }

    public async ValueTask<Empty> PauseAsync(PauseRequest request, CancellationToken ct)
    {
        TaskContainer container = FindContainer(request.Id);
        await Backend(() => container.Container.PauseAsync(ct));
        container.Init.Paused = true;
        events.Publish(TaskEventTopics.Paused, new TaskPaused { ContainerId = request.Id });
        return new Empty();
    }

    public async ValueTask<Empty> ResumeAsync(ResumeRequest request, CancellationToken ct)
    {
        TaskContainer container = FindContainer(request.Id);
        await Backend(() => container.Container.ResumeAsync(ct));
        container.Init.Paused = false;
        events.Publish(TaskEventTopics.Resumed, new TaskResumed { ContainerId = request.Id });
        return new Empty();
    }

    public ValueTask<Empty> CheckpointAsync(CheckpointTaskRequest request, CancellationToken ct) =>
        throw new TtrpcException(TtrpcStatusCode.Unimplemented, "checkpoint is not supported by this runtime");

    public async ValueTask<Empty> KillAsync(KillRequest request, CancellationToken ct)
    {
        TaskProcess process = Find(request.Id, request.ExecId, out _);
        await Backend(() => process.Process.KillAsync((int)request.Signal, request.All, ct));
        return new Empty();
    }

    public async ValueTask<Empty> ResizePtyAsync(ResizePtyRequest request, CancellationToken ct)
    {
        TaskProcess process = Find(request.Id, request.ExecId, out _);
        await Backend(() => process.Process.ResizePtyAsync(request.Width, request.Height, ct));
        return new Empty();
    }

    public async ValueTask<Empty> CloseIOAsync(CloseIORequest request, CancellationToken ct)
    {
        TaskProcess process = Find(request.Id, request.ExecId, out _);
        if (request.Stdin)
        {
            await Backend(() => process.Process.CloseStdinAsync(ct));
        }

        return new Empty();
    }

    public async ValueTask<Empty> UpdateAsync(UpdateTaskRequest request, CancellationToken ct)
    {
        TaskContainer container = FindContainer(request.Id);
        await Backend(() => container.Container.UpdateAsync(request.Resources?.Value.Memory ?? default, ct));
        return new Empty();
    }

    public async ValueTask<WaitResponse> WaitAsync(WaitRequest request, CancellationToken ct)
    {
        TaskProcess process = Find(request.Id, request.ExecId, out _);
        ProcessExit exit = await process.Process.Exited.WaitAsync(ct);
        return new WaitResponse { ExitStatus = exit.Status, ExitedAt = Timestamp.FromDateTimeOffset(exit.At) };
    }

    public async ValueTask<StatsResponse> StatsAsync(StatsRequest request, CancellationToken ct) =>
        new() { Stats = await Backend(() => FindContainer(request.Id).Container.StatsAsync(ct)) };

    public ValueTask<ConnectResponse> ConnectAsync(ConnectRequest request, CancellationToken ct)
    {
        TaskContainer container = FindContainer(request.Id);
        return ValueTask.FromResult(new ConnectResponse
        {
            ShimPid = (uint)Environment.ProcessId,
            TaskPid = (uint)container.Init.Process.Pid,
            Version = Cli.VersionInfo.Current.Version,
        });
    }

    public ValueTask<Empty> ShutdownAsync(ShutdownRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            // Like the runc shim: a shim that still serves containers stays up unless told "now".
            if (_containers.Count > 0 && !request.Now)
            {
                return ValueTask.FromResult(new Empty());
            }
        }

        shutdown();
        return ValueTask.FromResult(new Empty());
    }

    private Task PublishExitWhenDone(string containerId, string execId, TaskProcess process) =>
        process.Process.Exited.ContinueWith(
            exited => events.Publish(TaskEventTopics.Exit, new TaskExit
            {
                ContainerId = containerId,
                Id = execId.Length == 0 ? containerId : execId,
                Pid = (uint)process.Process.Pid,
                ExitStatus = exited.Result.Status,
                ExitedAt = Timestamp.FromDateTimeOffset(exited.Result.At),
            }),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);

    private TaskContainer FindContainer(string id)
    {
        lock (_lock)
        {
            return _containers.TryGetValue(id, out TaskContainer? container)
                ? container
                : throw new TtrpcException(TtrpcStatusCode.NotFound, $"container {id} not found");
        }
    }

    private TaskProcess Find(string id, string execId, out TaskContainer container)
    {
        container = FindContainer(id);
        if (execId.Length == 0)
        {
            return container.Init;
        }

        lock (_lock)
        {
            return container.Execs.TryGetValue(execId, out TaskProcess? exec)
                ? exec
                : throw new TtrpcException(TtrpcStatusCode.NotFound, $"exec {execId} not found in container {id}");
        }
    }

    private static string Describe(string id, string execId) => execId.Length == 0 ? $"task {id}" : $"exec {execId} of task {id}";

    /// <summary>What the sandbox cannot do becomes Unimplemented, so ctr shows a clear reason instead of Unknown.</summary>
    private static async ValueTask<T> Backend<T>(Func<ValueTask<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (NotSupportedException e)
        {
            throw new TtrpcException(TtrpcStatusCode.Unimplemented, e.Message, e);
        }
    }

    private static async ValueTask Backend(Func<ValueTask> operation) =>
        await Backend(async () =>
        {
            await operation();
            return true;
        });
}
