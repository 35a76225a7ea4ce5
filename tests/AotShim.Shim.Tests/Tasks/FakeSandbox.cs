using AotShim.Shim.Sandbox;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Tests.Tasks;

/// <summary>An in-memory sandbox whose processes exit when the test (or a kill) says so.</summary>
internal sealed class FakeSandbox : ISandbox
{
    public Dictionary<string, FakeContainer> Containers { get; } = [];

    public bool CanPause { get; init; } = true;

    public ValueTask<IContainer> CreateContainerAsync(ContainerRequest request, CancellationToken cancellationToken)
    {
        var container = new FakeContainer(request, this);
        Containers.Add(request.Id, container);
        return ValueTask.FromResult<IContainer>(container);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed class FakeContainer(ContainerRequest request, FakeSandbox sandbox) : IContainer
{
    private static int _nextPid = 1000;

    public ContainerRequest Request { get; } = request;

    public string Id => Request.Id;

    public FakeProcess InitProcess { get; } = new(request.Id, Interlocked.Increment(ref _nextPid));

    public IProcess Init => InitProcess;

    public List<FakeProcess> Execs { get; } = [];

    public bool Deleted { get; private set; }

    public ValueTask<IProcess> ExecAsync(ExecRequest request, CancellationToken cancellationToken)
    {
        var exec = new FakeProcess(request.ExecId, Interlocked.Increment(ref _nextPid));
        Execs.Add(exec);
        return ValueTask.FromResult<IProcess>(exec);
    }

    public ValueTask PauseAsync(CancellationToken cancellationToken) =>
        sandbox.CanPause ? ValueTask.CompletedTask : throw new NotSupportedException("this sandbox cannot pause containers");

    public ValueTask ResumeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<IReadOnlyList<int>> PidsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<int>>([InitProcess.Pid, .. Execs.Select(e => e.Pid)]);

    public ValueTask UpdateAsync(ReadOnlyMemory<byte> resourcesJson, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<Any> StatsAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("no stats in the fake sandbox");

    public ValueTask DeleteAsync(CancellationToken cancellationToken)
    {
        Deleted = true;
        return ValueTask.CompletedTask;
    }
}

internal sealed class FakeProcess(string id, int pid) : IProcess
{
    private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = id;

    public int Pid { get; } = pid;

    public Task<ProcessExit> Exited => _exited.Task;

    public List<int> Signals { get; } = [];

    public void Exit(uint status) => _exited.TrySetResult(new ProcessExit(status, DateTimeOffset.UtcNow));

    public ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask KillAsync(int signal, bool all, CancellationToken cancellationToken)
    {
        Signals.Add(signal);
        if (signal is 9 or 15)
        {
            Exit(128 + (uint)signal);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ResizePtyAsync(uint width, uint height, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask CloseStdinAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
