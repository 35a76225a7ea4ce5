namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>
/// containerd task lifecycle through `ctr`, written once for any shim. <see cref="RuncShimHarnessTests"/> runs these
/// bodies against Debian's containerd-shim-runc-v2 to prove the harness; an io.containerd.ecr.v2 subclass runs the
/// same bodies against ours.
/// </summary>
public abstract class ShimLifecycleTests : ContainerdShimTests
{
    /// <summary>
    /// Whether /run/containerd/s/HASH is gone once containerd cleaned up after a SIGKILLed shim (its
    /// `delete` command runs then). containerd 1.6 with the runc shim leaves it (PrivateContainerd
    /// removes it on dispose); ours should not.
    /// </summary>
    protected virtual bool ShimSocketRemovedAfterShimCrash => true;

    /// <summary>Whether the backend can freeze a task; if not, pause must fail with a clear Unimplemented.</summary>
    protected virtual bool BackendPauses => true;

    /// <summary>Whether the backend gives processes a terminal; if not, `run -t` must fail with a clear Unimplemented.</summary>
    protected virtual bool BackendGivesTerminals => true;

    /// <summary>Whether `ctr task ps` lists the container's own processes; a VM shim lists only its VM's pid, as kata does.</summary>
    protected virtual bool PsListsContainerProcesses => true;

    [Fact]
    public async Task RunRm_PrintsTheOutput()
    {
        string id = NewId("echo");

        CommandResult run = await Ctr.RunRmAsync(Image, id, "/bin/echo", "hello");

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("hello\n", run.Stdout);
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task RunRm_PassesTheExitCodeThrough()
    {
        string id = NewId("exit");

        CommandResult run = await Ctr.RunRmAsync(Image, id, "/bin/sh", "-c", "echo out; echo err >&2; exit 7");

        Assert.True(run.ExitCode == 7, run.ToString());
        Assert.Equal("out\n", run.Stdout);
        Assert.Contains("err", run.Stderr);
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task Exec_RunsInTheContainerAndPassesTheExitCodeThrough()
    {
        string id = NewId("exec");
        (await Ctr.RunDetachedAsync(Image, id, "/bin/sh", "-c", "echo marker > /tmp/marker; exec sleep 1000")).EnsureSuccess();
        await Ctr.WaitForStatusAsync(id, "RUNNING");

        CommandResult exec = await Ctr.ExecAsync(id, "e1", "/bin/sh", "-c", "sleep 0.2; cat /tmp/marker; hostname; exit 3");

        Assert.True(exec.ExitCode == 3, exec.ToString());
        Assert.StartsWith("marker\n", exec.Stdout);
        await KillAndRemoveAsync(id);
    }

    [Fact]
    public async Task Kill_DeliversTheSignalAndTheExitStatus()
    {
        string id = NewId("kill");
        await using CtrEvents events = await Ctr.StartEventsAsync();
        (await Ctr.RunDetachedAsync(Image, id, "/bin/sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.1; done")).EnsureSuccess();
        await Ctr.WaitForStatusAsync(id, "RUNNING");
        await Task.Delay(300, TestContext.Current.CancellationToken); // let sh install its trap

        (await Ctr.KillAsync(id, "SIGTERM")).EnsureSuccess();

        CtrEvent exit = await events.WaitForAsync("/tasks/exit", id);
        Assert.Equal(42, exit.ExitStatus);
        await Ctr.WaitForStatusAsync(id, "STOPPED");
        (await Ctr.TaskDeleteAsync(id)).EnsureSuccess();
        (await Ctr.ContainerRmAsync(id)).EnsureSuccess();
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task Ps_ListsTheContainersProcesses()
    {
        string id = NewId("ps");
        (await Ctr.RunDetachedAsync(Image, id, "/bin/sh", "-c", "sleep 1000 & sleep 1000 & wait")).EnsureSuccess();
        CtrTask task = await Ctr.WaitForStatusAsync(id, "RUNNING");

        IReadOnlyList<int> pids = [];
        if (!PsListsContainerProcesses)
        {
            Assert.Equal([task.Pid], await Ctr.PsAsync(id));
            await KillAndRemoveAsync(id);
            return;
        }

        for (int attempt = 0; attempt < 100 && pids.Count < 3; attempt++)
        {
            pids = await Ctr.PsAsync(id);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(pids.Count >= 3, "sh and two sleeps, got " + string.Join(", ", pids));
        Assert.Contains(task.Pid, pids);
        await KillAndRemoveAsync(id);
    }

    [Fact]
    public async Task PauseAndResume_FreezeAndThawTheTask()
    {
        string id = NewId("pause");
        await using CtrEvents events = await Ctr.StartEventsAsync();
        (await Ctr.RunDetachedAsync(Image, id, "/bin/sleep", "1000")).EnsureSuccess();
        await Ctr.WaitForStatusAsync(id, "RUNNING");
        if (!BackendPauses)
        {
            CommandResult refused = await Ctr.PauseAsync(id);
            Assert.True(!refused.Succeeded && refused.Stderr.Contains("not implemented"), refused.ToString());
            Assert.Equal("RUNNING", (await Ctr.TaskAsync(id))?.Status);
            await KillAndRemoveAsync(id);
            return;
        }

        (await Ctr.PauseAsync(id)).EnsureSuccess();
        await Ctr.WaitForStatusAsync(id, "PAUSED");
        await events.WaitForAsync("/tasks/paused", id);

        (await Ctr.ResumeAsync(id)).EnsureSuccess();
        await Ctr.WaitForStatusAsync(id, "RUNNING");
        await events.WaitForAsync("/tasks/resumed", id);
        CommandResult exec = await Ctr.ExecAsync(id, "after-resume", "/bin/echo", "thawed");
        Assert.True(exec.Succeeded && exec.Stdout == "thawed\n", exec.ToString());
        await KillAndRemoveAsync(id);
    }

    [Fact]
    public async Task DetachedRun_ThenDelete_RemovesEverything()
    {
        string id = NewId("detach");
        (await Ctr.RunDetachedAsync(Image, id, "/bin/sleep", "1000")).EnsureSuccess();
        CtrTask task = await Ctr.WaitForStatusAsync(id, "RUNNING");
        Assert.Contains(id, await Ctr.ContainersAsync());
        Assert.True(Directory.Exists(Containerd.TaskDirectory(id)), "bundle " + Containerd.TaskDirectory(id));

        CommandResult refused = await Ctr.TaskDeleteAsync(id);
        Assert.False(refused.Succeeded, "deleting a running task without --force must fail: " + refused);
        Assert.Equal("RUNNING", (await Ctr.TaskAsync(id))?.Status);

        (await Ctr.TaskDeleteAsync(id, force: true)).EnsureSuccess();
        (await Ctr.ContainerRmAsync(id)).EnsureSuccess();

        Assert.DoesNotContain(id, await Ctr.ContainersAsync());
        await AssertNothingLeftAsync(id, task.Pid);
    }

    [Fact]
    public async Task RunWithTty_GivesTheProcessATerminal()
    {
        string id = NewId("tty");

        CommandResult run = await Ctr.RunTtyAsync(Image, id, "/bin/sh", "-c", "tty; test -t 0 && test -t 1 && echo hi");
        if (!BackendGivesTerminals)
        {
            Assert.True(!run.Succeeded && (run.Stdout + run.Stderr).Contains("not implemented"), run.ToString());
            return;
        }

        Assert.True(run.Succeeded, run.ToString());
        string[] lines = run.Stdout.Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, line => line.StartsWith("/dev/pts/", StringComparison.Ordinal));
        Assert.Contains("hi", lines);
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task Events_ShowCreateStartExitDelete()
    {
        string id = NewId("events");
        await using CtrEvents events = await Ctr.StartEventsAsync();

        CommandResult run = await Ctr.RunRmAsync(Image, id, "/bin/sh", "-c", "exit 3");

        Assert.True(run.ExitCode == 3, run.ToString());
        await events.WaitForAsync("/containers/delete", id);
        IReadOnlyList<string> topics = events.Topics(id);
        string[] expected = ["/containers/create", "/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete", "/containers/delete"];
        Assert.True(expected.SequenceEqual(topics.Where(expected.Contains)), "topics in order: " + string.Join(" ", topics));
        Assert.Equal(3, (await events.WaitForAsync("/tasks/exit", id)).ExitStatus);
        Assert.Equal(3, (await events.WaitForAsync("/tasks/delete", id)).ExitStatus);
        CtrEvent create = await events.WaitForAsync("/tasks/create", id);
        Assert.Equal(Containerd.TaskDirectory(id), create.Property("bundle"));
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task KilledShim_TaskAndContainerCanBeDeletedAndNothingIsLeft()
    {
        string id = NewId("shimkill");
        await using CtrEvents events = await Ctr.StartEventsAsync();
        (await Ctr.RunDetachedAsync(Image, id, "/bin/sleep", "1000")).EnsureSuccess();
        CtrTask task = await Ctr.WaitForStatusAsync(id, "RUNNING");
        await KillShimThenDeleteAsync(id, events);

        await AssertNothingLeftAsync(id, task.Pid, checkSocket: ShimSocketRemovedAfterShimCrash);
        Assert.Empty(Containerd.Mounts());
    }
}
