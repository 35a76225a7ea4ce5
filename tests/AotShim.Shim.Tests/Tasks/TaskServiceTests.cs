using AotShim.Shim.Tasks;
using AotShim.Shim.Ttrpc;
using Containerd.Events;
using Containerd.Task.V2;
using Status = Containerd.V1.Types.Status;

namespace AotShim.Shim.Tests.Tasks;

public sealed class TaskServiceTests
{
    private readonly FakeSandbox _sandbox = new();
    private readonly RecordingPublisher _events = new();
    private int _shutdowns;
    private readonly TaskService _service;

    public TaskServiceTests() => _service = new TaskService(_sandbox, _events, () => _shutdowns++);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<FakeContainer> CreateAsync(string id = "c1")
    {
        await _service.CreateAsync(new CreateTaskRequest { Id = id, Bundle = "/run/b/" + id, Stdout = "/fifo/out", Terminal = false }, Ct);
        return _sandbox.Containers[id];
    }

    [Fact]
    public async Task A_run_goes_create_start_exit_delete_with_those_events()
    {
        FakeContainer container = await CreateAsync();
        Assert.Equal(Status.Created, (await _service.StateAsync(new StateRequest { Id = "c1" }, Ct)).Status);

        var started = await _service.StartAsync(new StartRequest { Id = "c1" }, Ct);
        Assert.Equal((uint)container.InitProcess.Pid, started.Pid);
        Assert.Equal(Status.Running, (await _service.StateAsync(new StateRequest { Id = "c1" }, Ct)).Status);

        var wait = _service.WaitAsync(new WaitRequest { Id = "c1" }, Ct);
        container.InitProcess.Exit(7);
        Assert.Equal(7u, (await wait).ExitStatus);
        StateResponse stopped = await _service.StateAsync(new StateRequest { Id = "c1" }, Ct);
        Assert.Equal((Status.Stopped, 7u, "/run/b/c1", "/fifo/out"), (stopped.Status, stopped.ExitStatus, stopped.Bundle, stopped.Stdout));

        DeleteResponse deleted = await _service.DeleteAsync(new DeleteRequest { Id = "c1" }, Ct);
        Assert.Equal(7u, deleted.ExitStatus);
        Assert.True(container.Deleted);
        await WaitForEventsAsync(4);
        Assert.Equal([TaskEventTopics.Create, TaskEventTopics.Start, TaskEventTopics.Exit, TaskEventTopics.Delete], _events.Topics);
        var exit = (TaskExit)_events.Events.Single(e => e.Topic == TaskEventTopics.Exit).Event;
        Assert.Equal(("c1", "c1", 7u), (exit.ContainerId, exit.Id, exit.ExitStatus));
    }

    [Fact]
    public async Task Exec_processes_are_added_started_waited_and_deleted_by_exec_id()
    {
        FakeContainer container = await CreateAsync();
        await _service.StartAsync(new StartRequest { Id = "c1" }, Ct);

        await _service.ExecAsync(new ExecProcessRequest { Id = "c1", ExecId = "e1", Stdout = "/fifo/e1" }, Ct);
        await _service.StartAsync(new StartRequest { Id = "c1", ExecId = "e1" }, Ct);
        Assert.Equal(2, (await _service.PidsAsync(new PidsRequest { Id = "c1" }, Ct)).Processes.Count);
        container.Execs[0].Exit(3);
        Assert.Equal(3u, (await _service.WaitAsync(new WaitRequest { Id = "c1", ExecId = "e1" }, Ct)).ExitStatus);
        Assert.Equal(3u, (await _service.DeleteAsync(new DeleteRequest { Id = "c1", ExecId = "e1" }, Ct)).ExitStatus);

        var e = await Assert.ThrowsAsync<TtrpcException>(async () => await _service.StateAsync(new StateRequest { Id = "c1", ExecId = "e1" }, Ct));
        Assert.Equal(TtrpcStatusCode.NotFound, e.Code);
        Assert.Contains(TaskEventTopics.ExecAdded, _events.Topics);
        Assert.Contains(TaskEventTopics.ExecStarted, _events.Topics);
    }

    [Fact]
    public async Task Kill_reaches_the_process_and_its_exit_is_reported()
    {
        FakeContainer container = await CreateAsync();
        await _service.StartAsync(new StartRequest { Id = "c1" }, Ct);

        await _service.KillAsync(new KillRequest { Id = "c1", Signal = 15 }, Ct);

        Assert.Equal([15], container.InitProcess.Signals);
        Assert.Equal(143u, (await _service.WaitAsync(new WaitRequest { Id = "c1" }, Ct)).ExitStatus);
    }

    [Fact]
    public async Task A_running_task_cannot_be_deleted()
    {
        await CreateAsync();
        await _service.StartAsync(new StartRequest { Id = "c1" }, Ct);

        var e = await Assert.ThrowsAsync<TtrpcException>(async () => await _service.DeleteAsync(new DeleteRequest { Id = "c1" }, Ct));

        Assert.Equal(TtrpcStatusCode.FailedPrecondition, e.Code);
    }

    [Fact]
    public async Task A_created_but_never_started_task_is_killed_on_delete()
    {
        FakeContainer container = await CreateAsync();

        DeleteResponse deleted = await _service.DeleteAsync(new DeleteRequest { Id = "c1" }, Ct);

        Assert.Equal([9], container.InitProcess.Signals);
        Assert.Equal(137u, deleted.ExitStatus);
    }

    [Fact]
    public async Task Pause_and_resume_show_in_state_and_events()
    {
        await CreateAsync();
        await _service.StartAsync(new StartRequest { Id = "c1" }, Ct);

        await _service.PauseAsync(new PauseRequest { Id = "c1" }, Ct);
        Assert.Equal(Status.Paused, (await _service.StateAsync(new StateRequest { Id = "c1" }, Ct)).Status);
        await _service.ResumeAsync(new ResumeRequest { Id = "c1" }, Ct);
        Assert.Equal(Status.Running, (await _service.StateAsync(new StateRequest { Id = "c1" }, Ct)).Status);

        Assert.Contains(TaskEventTopics.Paused, _events.Topics);
        Assert.Contains(TaskEventTopics.Resumed, _events.Topics);
    }

    [Fact]
    public async Task What_the_sandbox_cannot_do_is_unimplemented_with_its_reason()
    {
        var service = new TaskService(new FakeSandbox { CanPause = false }, _events, () => { });
        await service.CreateAsync(new CreateTaskRequest { Id = "c1" }, Ct);

        var pause = await Assert.ThrowsAsync<TtrpcException>(async () => await service.PauseAsync(new PauseRequest { Id = "c1" }, Ct));
        var stats = await Assert.ThrowsAsync<TtrpcException>(async () => await service.StatsAsync(new StatsRequest { Id = "c1" }, Ct));
        var checkpoint = await Assert.ThrowsAsync<TtrpcException>(async () => await service.CheckpointAsync(new CheckpointTaskRequest { Id = "c1" }, Ct));

        Assert.Equal((TtrpcStatusCode.Unimplemented, "this sandbox cannot pause containers"), (pause.Code, pause.Message));
        Assert.Equal(TtrpcStatusCode.Unimplemented, stats.Code);
        Assert.Equal(TtrpcStatusCode.Unimplemented, checkpoint.Code);
    }

    [Theory]
    [InlineData("missing", "")]
    [InlineData("c1", "missing-exec")]
    public async Task Unknown_tasks_and_execs_are_not_found(string id, string execId)
    {
        await CreateAsync();

        var e = await Assert.ThrowsAsync<TtrpcException>(async () => await _service.StateAsync(new StateRequest { Id = id, ExecId = execId }, Ct));

        Assert.Equal(TtrpcStatusCode.NotFound, e.Code);
        Assert.Contains(execId.Length > 0 ? execId : id, e.Message);
    }

    [Fact]
    public async Task A_second_create_of_the_same_id_is_refused()
    {
        await CreateAsync();

        var e = await Assert.ThrowsAsync<TtrpcException>(async () => await _service.CreateAsync(new CreateTaskRequest { Id = "c1" }, Ct));

        Assert.Equal(TtrpcStatusCode.AlreadyExists, e.Code);
    }

    [Fact]
    public async Task Shutdown_waits_for_the_last_container_unless_now()
    {
        FakeContainer container = await CreateAsync();

        await _service.ShutdownAsync(new ShutdownRequest { Id = "c1" }, Ct);
        Assert.Equal(0, _shutdowns);
        container.InitProcess.Exit(0);
        await _service.DeleteAsync(new DeleteRequest { Id = "c1" }, Ct);
        await _service.ShutdownAsync(new ShutdownRequest { Id = "c1" }, Ct);
        Assert.Equal(1, _shutdowns);
    }

    [Fact]
    public async Task Connect_reports_the_shim_and_task_pids()
    {
        FakeContainer container = await CreateAsync();

        ConnectResponse connect = await _service.ConnectAsync(new ConnectRequest { Id = "c1" }, Ct);

        Assert.Equal(((uint)Environment.ProcessId, (uint)container.InitProcess.Pid), (connect.ShimPid, connect.TaskPid));
    }

    private async Task WaitForEventsAsync(int count)
    {
        for (int i = 0; i < 100 && _events.Events.Count < count; i++)
        {
            await Task.Delay(10, Ct);
        }
    }
}
