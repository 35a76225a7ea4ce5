namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>
/// A shim under test behind a private containerd: a concrete class names the runtime (<see cref="Runtime"/>) and,
/// when containerd would not find it on its own PATH, the shim binary (<see cref="ShimBinary"/>). Every test gets its
/// own <see cref="PrivateContainerd"/> with the busybox image imported; its log goes into the output of a failed test.
/// </summary>
public abstract class ContainerdShimTests : IAsyncLifetime
{
    private PrivateContainerd? containerd;
    private Ctr? ctr;

    /// <summary>io.containerd.runc.v2, io.containerd.ecr.v2, ...</summary>
    protected abstract string Runtime { get; }

    /// <summary>The shim to put first on containerd's PATH as containerd-shim-NAME-v2; null: containerd's PATH already has it.</summary>
    protected virtual string? ShimBinary => null;

    protected PrivateContainerd Containerd => containerd ?? throw new InvalidOperationException("not initialized");

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

    /// <summary>What the backend itself may leave behind for a container (a VM, its directories); empty when clean.</summary>
    protected virtual IEnumerable<string> BackendLeftovers(string id) => [];

    /// <summary>Shim processes whose argv names the container id (runc: one per container; a pod shim: per sandbox id).</summary>
    protected IReadOnlyList<HostProcess> ShimsOf(string id) =>
        Containerd.ShimProcesses().Where(p => p.Argv.Contains(id)).ToList();

    /// <summary>SIGKILLs the shim serving <paramref name="id"/>, then deletes the task and container as containerd's user would.</summary>
    protected async Task KillShimThenDeleteAsync(string id, CtrEvents events)
    {
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
    }

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
