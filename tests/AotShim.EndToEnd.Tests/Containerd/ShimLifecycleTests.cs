namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>
/// containerd task lifecycle through `ctr`, written once for any shim: a concrete class names the
/// runtime (<see cref="Runtime"/>) and, when containerd would not find it on its own PATH, the shim
/// binary (<see cref="ShimBinary"/>). <see cref="RuncShimHarnessTests"/> runs these bodies against
/// Debian's containerd-shim-runc-v2 to prove the harness; an io.containerd.ecr.v2 subclass runs the
/// same bodies against ours. Every test gets its own <see cref="PrivateContainerd"/> with the busybox
/// image imported; its log goes into the output of a failed test.
/// </summary>
public abstract class ShimLifecycleTests : IAsyncLifetime
{
    private PrivateContainerd? containerd;
    private Ctr? ctr;

    /// <summary>io.containerd.runc.v2, io.containerd.ecr.v2, ...</summary>
    protected abstract string Runtime { get; }

    /// <summary>The shim to put first on containerd's PATH as containerd-shim-NAME-v2; null: containerd's PATH already has it.</summary>
    protected virtual string? ShimBinary => null;

    protected PrivateContainerd Containerd => containerd ?? throw new InvalidOperationException("not initialized");

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

    protected Ctr Ctr => ctr ?? throw new InvalidOperationException("not initialized");

    protected static string Image => BusyboxImage.Name;

    protected virtual PrivateContainerdOptions ContainerdOptions() => new()
    {
        Shims = ShimBinary is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [Runtime] = ShimBinary },
    };

    /// <summary>Fails the test, naming the package build.sh installs, when the host cannot run it (the base checks root, containerd, ctr, busybox-static, script).</summary>
    protected virtual void CheckPrerequisites()
    {
        Assert.True(Environment.IsPrivilegedProcess, "containerd tests need root");
        foreach ((string file, string package) in new[]
                 {
                     ("/usr/bin/containerd", "containerd"), ("/usr/bin/ctr", "containerd"),
                     (BusyboxImage.Busybox, "busybox-static"), ("/usr/bin/script", "bsdutils"),
                 })
        {
            Assert.True(File.Exists(file), $"{file} is missing: apt-get install {package}");
        }
    }

    public async ValueTask InitializeAsync()
    {
        CheckPrerequisites();
        containerd = await PrivateContainerd.StartAsync(ContainerdOptions(), TestContext.Current.CancellationToken);
        try
        {
            ctr = containerd.Ctr(Runtime);
            await BusyboxImage.ImportAsync(ctr);
        }
        catch
        {
            containerd.DumpLogToTestOutput("image import failed");
            await containerd.DisposeAsync();
            containerd = null;
            throw;
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (containerd is not null)
        {
            await containerd.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected static string NewId(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

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
        IReadOnlyList<HostProcess> shims = ShimsOf(id);
        Assert.True(shims.Count > 0, "no shim process found with -id " + id);

        foreach (HostProcess shim in shims)
        {
            HostProcesses.Signal(shim.Pid, HostProcesses.SIGKILL);
        }

        Assert.True(await HostProcesses.WaitGoneAsync(shims.Select(s => s.Pid), TimeSpan.FromSeconds(10)), "shim survived SIGKILL");
        // containerd notices the closed connection and cleans up itself (publishing /tasks/exit);
        // then `task delete` may find nothing left to delete, which is fine.
        await events.WaitForAsync("/tasks/exit", id);
        CommandResult delete = await Ctr.TaskDeleteAsync(id);
        Assert.True(delete.Succeeded || delete.Stderr.Contains("not found", StringComparison.Ordinal), delete.ToString());
        (await Ctr.ContainerRmAsync(id)).EnsureSuccess();

        await AssertNothingLeftAsync(id, task.Pid, checkSocket: ShimSocketRemovedAfterShimCrash);
        Assert.Empty(Containerd.Mounts());
    }

    /// <summary>What the backend itself may leave behind for a container (a VM, its directories); empty when clean.</summary>
    protected virtual IEnumerable<string> BackendLeftovers(string id) => [];

    /// <summary>Shim processes whose argv names the container id (runc: one per container; a pod shim: per sandbox id).</summary>
    protected IReadOnlyList<HostProcess> ShimsOf(string id) =>
        Containerd.ShimProcesses().Where(p => p.Argv.Contains(id)).ToList();

    /// <summary>SIGKILLs a running task, waits for it to stop, deletes it and its container, then checks nothing is left.</summary>
    protected async Task KillAndRemoveAsync(string id)
    {
        CtrTask? task = await Ctr.TaskAsync(id);
        (await Ctr.KillAsync(id, "SIGKILL")).EnsureSuccess();
        await Ctr.WaitForStatusAsync(id, "STOPPED");
        CommandResult delete = await Ctr.TaskDeleteAsync(id);
        Assert.True(delete.ExitCode is 0 or 137, delete.ToString());
        (await Ctr.ContainerRmAsync(id)).EnsureSuccess();
        await AssertNothingLeftAsync(id, task?.Pid);
    }

    /// <summary>
    /// After a container is gone: no task, no container, no live shim naming it, no mounts under its
    /// bundle, no bundle, no shim socket (unless told), and (when given) the task's process is gone. Polls up to 10 s
    /// (a shim exits shortly after Shutdown).
    /// </summary>
    protected async Task AssertNothingLeftAsync(string id, int? taskPid = null, bool checkSocket = true)
    {
        string bundle = Containerd.TaskDirectory(id);
        string socket = Containerd.ShimSocketPath(id);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        List<string> problems;
        while (true)
        {
            problems = [];
            if (await Ctr.TaskAsync(id) is { } task)
            {
                problems.Add($"task still listed ({task.Status})");
            }

            if ((await Ctr.ContainersAsync()).Contains(id))
            {
                problems.Add("container still listed");
            }

            problems.AddRange(ShimsOf(id).Select(p => $"shim pid {p.Pid} alive: {p.CommandLine}"));
            problems.AddRange(HostProcesses.MountsUnder(bundle).Select(m => "still mounted: " + m));
            if (Directory.Exists(bundle))
            {
                problems.Add("bundle directory still exists: " + bundle);
            }

            if (checkSocket && File.Exists(socket))
            {
                problems.Add("shim socket still exists: " + socket);
            }

            if (taskPid is { } pid && HostProcesses.IsAlive(pid))
            {
                problems.Add($"task process {pid} still alive");
            }

            problems.AddRange(BackendLeftovers(id));

            if (problems.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(problems.Count == 0, $"left behind by {id}:\n" + string.Join('\n', problems));
    }
}
