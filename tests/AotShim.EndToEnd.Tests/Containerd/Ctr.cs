using System.Globalization;

namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>A line of `ctr task ls`.</summary>
public sealed record CtrTask(string Id, int Pid, string Status);

/// <summary>Everything `ctr run` can be asked for here; the shorthands on <see cref="Ctr"/> fill it in.</summary>
public sealed record CtrRun(string Image, string Id, IReadOnlyList<string> Command)
{
    public bool Remove { get; init; }

    public bool Detach { get; init; }

    /// <summary>`-t`: ctr insists on a terminal, so the command runs under `script` (util-linux, package bsdutils).</summary>
    public bool Tty { get; init; }

    /// <summary>Defaults to the <see cref="Ctr.Runtime"/> of the client.</summary>
    public string? Runtime { get; init; }

    /// <summary>`--runtime-config-path`: the shim's ConfigPath option (ctr sends it as runtime options on stdin of `start`).</summary>
    public string? RuntimeConfigPath { get; init; }

    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Other `ctr run` flags, placed before the image.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>A whole OCI spec for `ctr run --config`: then Image and Command are not passed (the spec holds root and process).</summary>
    public string? SpecFile { get; init; }

    /// <summary>Text piped to ctr's stdin, which `ctr run` hands to the task; null: empty stdin.</summary>
    public string? Stdin { get; init; }

    public TimeSpan? Timeout { get; init; }
}

/// <summary>
/// `ctr --address SOCK --namespace NS ...` against one containerd, with a default runtime
/// (`--runtime`) so the same test body drives io.containerd.runc.v2 or io.containerd.ecr.v2.
/// Every call returns exit code, stdout and stderr; none throws on a non-zero exit (call
/// <see cref="CommandResult.EnsureSuccess"/>), all throw <see cref="TimeoutException"/> on timeout.
/// </summary>
public sealed class Ctr
{
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly Action<string, string>? onContainer;

    public Ctr(string address, string @namespace, string runtime, string fifoDirectory,
        IReadOnlyDictionary<string, string>? environment = null, Action<string, string>? onContainer = null)
    {
        Address = address;
        Namespace = @namespace;
        Runtime = runtime;
        FifoDirectory = fifoDirectory;
        this.environment = environment ?? new Dictionary<string, string>();
        this.onContainer = onContainer;
    }

    public static string Binary { get; } = File.Exists("/usr/bin/ctr") ? "/usr/bin/ctr" : "ctr";

    public string Address { get; }

    public string Namespace { get; }

    /// <summary>The runtime `run` uses unless told otherwise, e.g. io.containerd.runc.v2.</summary>
    public string Runtime { get; }

    /// <summary>Where ctr makes its IO fifos (`--fifo-dir`), inside the private containerd's directory.</summary>
    public string FifoDirectory { get; }

    public TimeSpan Timeout { get; init; } = Command.DefaultTimeout;

    /// <summary>The same containerd and settings, another namespace.</summary>
    public Ctr WithNamespace(string @namespace) =>
        new(Address, @namespace, Runtime, FifoDirectory, environment, onContainer) { Timeout = Timeout };

    /// <summary>The same containerd and settings, another default runtime.</summary>
    public Ctr WithRuntime(string runtime) =>
        new(Address, Namespace, runtime, FifoDirectory, environment, onContainer) { Timeout = Timeout };

    /// <summary>The full argv for `ctr` (global flags first).</summary>
    public IReadOnlyList<string> Arguments(IEnumerable<string> args) =>
        ["--address", Address, "--namespace", Namespace, .. args];

    public Task<CommandResult> RunAsync(params string[] args) => RunAsync(args, null);

    public Task<CommandResult> RunAsync(IEnumerable<string> args, TimeSpan? timeout, string? stdin = null, CancellationToken cancellationToken = default) =>
        Command.RunAsync(Binary, Arguments(args), timeout ?? Timeout, environment, stdin: stdin, cancellationToken: cancellationToken);

    /// <summary>Runs ctr on a pseudo-terminal: `script -qefc "ctr ..." /dev/null`, stdin held open until it exits
    /// (closing it early makes script send EOF, which ends up in the output). Output has \r\n line ends.</summary>
    public Task<CommandResult> RunOnTerminalAsync(IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var env = new Dictionary<string, string>(environment) { ["SHELL"] = "/bin/sh", ["TERM"] = "xterm" };
        string commandLine = Command.Format(Binary, Arguments(args));
        return Command.RunAsync("script", ["-q", "-e", "-f", "-c", commandLine, "/dev/null"],
            timeout ?? Timeout, env, keepStdinOpen: true, cancellationToken: cancellationToken);
    }

    // ---- containers and tasks ----

    public Task<CommandResult> RunContainerAsync(CtrRun run, CancellationToken cancellationToken = default)
    {
        var args = new List<string> { "run" };
        if (run.Remove)
        {
            args.Add("--rm");
        }

        if (run.Detach)
        {
            args.Add("-d");
        }

        if (run.Tty)
        {
            args.Add("-t");
        }

        args.AddRange(["--runtime", run.Runtime ?? Runtime, "--fifo-dir", FifoDirectory]);
        if (run.RuntimeConfigPath is not null)
        {
            args.AddRange(["--runtime-config-path", run.RuntimeConfigPath]);
        }

        foreach (string env in run.Env)
        {
            args.AddRange(["--env", env]);
        }

        args.AddRange(run.ExtraArgs);
        if (run.SpecFile is not null)
        {
            args.AddRange(["--config", run.SpecFile, run.Id]);
        }
        else
        {
            args.Add(run.Image);
            args.Add(run.Id);
            args.AddRange(run.Command);
        }

        onContainer?.Invoke(Namespace, run.Id);
        return run.Tty
            ? RunOnTerminalAsync(args, run.Timeout, cancellationToken)
            : RunAsync(args, run.Timeout, run.Stdin, cancellationToken);
    }

    /// <summary>`ctr run --rm IMAGE ID CMD...`: its exit code is the task's.</summary>
    public Task<CommandResult> RunRmAsync(string image, string id, params string[] command) =>
        RunContainerAsync(new CtrRun(image, id, command) { Remove = true });

    /// <summary>`ctr run -d IMAGE ID CMD...`: returns once the task started.</summary>
    public Task<CommandResult> RunDetachedAsync(string image, string id, params string[] command) =>
        RunContainerAsync(new CtrRun(image, id, command) { Detach = true });

    /// <summary>`ctr run -t --rm IMAGE ID CMD...` on a pseudo-terminal.</summary>
    public Task<CommandResult> RunTtyAsync(string image, string id, params string[] command) =>
        RunContainerAsync(new CtrRun(image, id, command) { Remove = true, Tty = true });

    /// <summary>`ctr task exec --exec-id EXEC ID CMD...`: its exit code is the process's.</summary>
    public Task<CommandResult> ExecAsync(string id, string execId, params string[] command) =>
        ExecAsync(id, execId, tty: false, command);

    public Task<CommandResult> ExecAsync(string id, string execId, bool tty, params string[] command)
    {
        List<string> args = ["task", "exec", "--exec-id", execId, "--fifo-dir", FifoDirectory];
        if (tty)
        {
            args.Add("-t");
        }

        args.Add(id);
        args.AddRange(command);
        return tty ? RunOnTerminalAsync(args) : RunAsync(args, null);
    }

    /// <summary>`ctr task kill [-a] [--exec-id E] -s SIGNAL ID`.</summary>
    public Task<CommandResult> KillAsync(string id, string signal = "SIGTERM", bool all = false, string? execId = null)
    {
        List<string> args = ["task", "kill", "--signal", signal];
        if (all)
        {
            args.Add("--all");
        }

        if (execId is not null)
        {
            args.AddRange(["--exec-id", execId]);
        }

        args.Add(id);
        return RunAsync(args, null);
    }

    /// <summary>`ctr task ps ID`: the pids in the task (container init first as the shim reports them).</summary>
    public async Task<IReadOnlyList<int>> PsAsync(string id)
    {
        CommandResult result = (await RunAsync("task", "ps", id)).EnsureSuccess();
        return Lines(result.Stdout).Skip(1)
            .Select(line => int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture))
            .ToList();
    }

    public Task<CommandResult> PauseAsync(string id) => RunAsync("task", "pause", id);

    public Task<CommandResult> ResumeAsync(string id) => RunAsync("task", "resume", id);

    /// <summary>`ctr task delete [-f] [--exec-id E] ID`: ctr exits with the task's exit status when it is not 0.</summary>
    public Task<CommandResult> TaskDeleteAsync(string id, bool force = false, string? execId = null)
    {
        List<string> args = ["task", "delete"];
        if (force)
        {
            args.Add("--force");
        }

        if (execId is not null)
        {
            args.AddRange(["--exec-id", execId]);
        }

        args.Add(id);
        return RunAsync(args, null);
    }

    public Task<CommandResult> ContainerRmAsync(string id) => RunAsync("container", "rm", id);

    /// <summary>`ctr task ls`.</summary>
    public async Task<IReadOnlyList<CtrTask>> TasksAsync()
    {
        CommandResult result = (await RunAsync("task", "ls")).EnsureSuccess();
        return Lines(result.Stdout).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 3)
            .Select(fields => new CtrTask(fields[0], int.Parse(fields[1], CultureInfo.InvariantCulture), fields[2]))
            .ToList();
    }

    public async Task<CtrTask?> TaskAsync(string id) => (await TasksAsync()).FirstOrDefault(t => t.Id == id);

    /// <summary>Polls `ctr task ls` until the task has the status (RUNNING, PAUSED, STOPPED, ...).</summary>
    public async Task<CtrTask> WaitForStatusAsync(string id, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        CtrTask? last;
        while (true)
        {
            last = await TaskAsync(id);
            if (last?.Status == status)
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"task {id} is {(last is null ? "absent" : last.Status)}, not {status}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Polls `ctr task ls` until the task is gone.</summary>
    public async Task WaitForTaskGoneAsync(string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (await TaskAsync(id) is { } task)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"task {id} is still listed ({task.Status})");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>`ctr container ls -q`.</summary>
    public async Task<IReadOnlyList<string>> ContainersAsync() =>
        Lines((await RunAsync("container", "ls", "-q")).EnsureSuccess().Stdout);

    /// <summary>`ctr images import --all-platforms TAR` (names come from the index's io.containerd.image.name).</summary>
    public Task<CommandResult> ImportAsync(string tarball) =>
        RunAsync(["images", "import", "--all-platforms", tarball], TimeSpan.FromMinutes(2));

    /// <summary>Starts a background `ctr events` and returns once it provably receives events.</summary>
    public Task<CtrEvents> StartEventsAsync() => CtrEvents.StartAsync(this, environment);

    internal static IReadOnlyList<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
