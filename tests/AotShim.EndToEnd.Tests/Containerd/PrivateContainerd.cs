using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>How to start a <see cref="PrivateContainerd"/>.</summary>
public sealed record PrivateContainerdOptions
{
    public string ContainerdBinary { get; init; } = "/usr/bin/containerd";

    /// <summary>overlayfs when containerd reports it usable, native otherwise; or name one.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>containerd's log level; at "debug" containerd also passes -debug to shims and logs their stderr.</summary>
    public string LogLevel { get; init; } = "debug";

    /// <summary>Shim binaries to put on containerd's PATH, by runtime name: { "io.containerd.ecr.v2" = ".../containerd-shim-ecr-v2" }.</summary>
    public IReadOnlyDictionary<string, string> Shims { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra environment for containerd (and so for the shims it starts), e.g. ECR_CONF_FILE.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>TOML appended to the generated config.toml (e.g. runtime options tables).</summary>
    public string ExtraConfig { get; init; } = "";

    /// <summary>The namespace <see cref="PrivateContainerd.Ctr"/> uses by default; unique per instance when null,
    /// which also makes the cgroups (/sys/fs/cgroup/*/NS/ID) and runc state (/run/containerd/runc/NS) ours to clean.</summary>
    public string? Namespace { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// A containerd of its own for one test (or one benchmark run): config, root, state, the gRPC, TTRPC
/// and debug sockets, ctr fifos, a bin directory first on its PATH (for containerd-shim-*-v2) and its
/// log all live under a fresh /tmp/ecr-ctd-XXXXXX (short, for the 108-byte socket path limit).
/// Disposing it deletes the tasks and containers, stops containerd (SIGTERM, then SIGKILL after 5 s),
/// SIGKILLs every process still tied to the directory (shims: it is in their PATH/arguments; container
/// processes: their root is under it), unmounts what is mounted under it, removes the namespace's cgroups,
/// runc state and the shim sockets of the containers it ran, and deletes the directory.
/// </summary>
public sealed partial class PrivateContainerd : IAsyncDisposable
{
    public const string TaskPluginDirectory = "io.containerd.runtime.v2.task";

    private readonly Process process;
    private readonly HashSet<(string Namespace, string Id)> containers = [];
    private readonly List<string> cleanupNotes = [];
    private readonly Dictionary<string, string> ctrEnvironment;
    private bool disposed;

    private PrivateContainerd(string directory, PrivateContainerdOptions options, Process process, string snapshotter)
    {
        Directory = directory;
        Options = options;
        this.process = process;
        Snapshotter = snapshotter;
        Namespace = options.Namespace ?? "ecr-" + System.IO.Path.GetFileName(directory)["ecr-ctd-".Length..].ToLowerInvariant();
        ctrEnvironment = new Dictionary<string, string> { ["CONTAINERD_SNAPSHOTTER"] = snapshotter };
    }

    /// <summary>/tmp/ecr-ctd-XXXXXX</summary>
    public string Directory { get; }

    public PrivateContainerdOptions Options { get; }

    public string ConfigPath => Path.Combine(Directory, "config.toml");

    public string LogPath => Path.Combine(Directory, "containerd.log");

    public string GrpcAddress => Path.Combine(Directory, "c.sock");

    public string TtrpcAddress => GrpcAddress + ".ttrpc";

    public string DebugAddress => Path.Combine(Directory, "d.sock");

    /// <summary>containerd's root (content, metadata, snapshots).</summary>
    public string RootDirectory => Path.Combine(Directory, "root");

    /// <summary>containerd's state (bundles under io.containerd.runtime.v2.task/NS/ID).</summary>
    public string StateDirectory => Path.Combine(Directory, "state");

    /// <summary>First on containerd's PATH: containerd-shim-NAME-v2 placed here is found for runtime io.containerd.NAME.v2.</summary>
    public string BinDirectory => Path.Combine(Directory, "bin");

    public string FifoDirectory => Path.Combine(Directory, "fifo");

    public string Snapshotter { get; private set; }

    public string Namespace { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Notes from <see cref="DisposeAsync"/> (what it had to kill, unmount or could not remove).</summary>
    public IReadOnlyList<string> CleanupNotes => cleanupNotes;

    public static async Task<PrivateContainerd> StartAsync(PrivateContainerdOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PrivateContainerdOptions();
        string directory = CreateDirectory();
        string bin = Path.Combine(directory, "bin");
        System.IO.Directory.CreateDirectory(bin);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "fifo"));
        foreach ((string runtime, string binary) in options.Shims)
        {
            InstallShim(bin, runtime, binary);
        }

        File.WriteAllText(Path.Combine(directory, "config.toml"), Config(directory, options));
        string log = Path.Combine(directory, "containerd.log");
        // sh only redirects and execs: the pid is containerd's, and the log is written even if we hang.
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec {Command.ShellQuote(options.ContainerdBinary)} --config {Command.ShellQuote(Path.Combine(directory, "config.toml"))} >{Command.ShellQuote(log)} 2>&1 </dev/null");
        string path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
        start.Environment["PATH"] = string.Join(':', new[] { bin, path, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }.Where(p => p.Length > 0));
        foreach ((string key, string value) in options.Environment)
        {
            start.Environment[key] = value;
        }

        var daemon = Process.Start(start)!;
        daemon.StandardInput.Close();
        var ctd = new PrivateContainerd(directory, options, daemon, options.Snapshotter ?? "overlayfs");
        try
        {
            await ctd.WaitReadyAsync(options.StartTimeout, cancellationToken);
            if (options.Snapshotter is null && !await ctd.PluginOkAsync("io.containerd.snapshotter.v1", "overlayfs"))
            {
                ctd.Snapshotter = "native";
                ctd.ctrEnvironment["CONTAINERD_SNAPSHOTTER"] = "native";
                ctd.cleanupNotes.Add("overlayfs snapshotter unusable here: using native");
            }

            return ctd;
        }
        catch
        {
            string tail = ctd.ReadLogTail(100);
            await ctd.DisposeAsync();
            throw new InvalidOperationException($"containerd did not start ({ctd.Directory}); log tail:\n{tail}");
        }
    }

    /// <summary>containerd-shim-NAME-v2 for io.containerd.NAME.v2, as containerd derives it.</summary>
    public static string ShimBinaryName(string runtime)
    {
        string[] parts = runtime.Split('.');
        return parts.Length >= 2 ? $"containerd-shim-{parts[^2]}-{parts[^1]}" : throw new ArgumentException("runtime must look like io.containerd.NAME.VERSION", nameof(runtime));
    }

    /// <summary>Links a shim binary into <see cref="BinDirectory"/> under the name containerd looks for; returns that path.</summary>
    public string InstallShim(string runtime, string binary) => InstallShim(BinDirectory, runtime, binary);

    /// <summary>A ctr client for this containerd with a default runtime (and the instance's namespace unless named).</summary>
    public Ctr Ctr(string runtime, string? @namespace = null) =>
        new(GrpcAddress, @namespace ?? Namespace, runtime, FifoDirectory, ctrEnvironment, Track);

    /// <summary>Remembers a container id so disposal also removes its shim socket.</summary>
    public void Track(string @namespace, string id)
    {
        lock (containers)
        {
            containers.Add((@namespace, id));
        }
    }

    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    public string ReadLogTail(int lines)
    {
        string[] all = ReadLog().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>The bundle directory of a task: STATE/io.containerd.runtime.v2.task/NS/ID.</summary>
    public string TaskDirectory(string id, string? @namespace = null) =>
        Path.Combine(StateDirectory, TaskPluginDirectory, @namespace ?? Namespace, id);

    /// <summary>Where containerd 1.6 shims (runc, kata) listen: /run/containerd/s/sha256(GRPC/NS/ID).</summary>
    public string ShimSocketPath(string id, string? @namespace = null) =>
        "/run/containerd/s/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.Combine(GrpcAddress, @namespace ?? Namespace, id))));

    /// <summary>Live shim processes of this containerd: argv[0] or executable named containerd-shim*, with this directory in argv or environment (PATH).</summary>
    public IReadOnlyList<HostProcess> ShimProcesses() =>
        HostProcesses.All().Where(p => !p.IsDead && p.IsNamed("containerd-shim") && p.References(Directory)).ToList();

    /// <summary>
    /// Live processes tied to this containerd other than itself and ourselves: shims and their children
    /// (the directory is in their argv or PATH) and, with the instance's own namespace, container
    /// processes (runc puts them in cgroup /NS/ID; their /proc/PID/root reads "/").
    /// </summary>
    public IReadOnlyList<HostProcess> LeftoverProcesses() =>
        HostProcesses.All().Where(p => !p.IsDead && p.Pid != process.Id
            && (p.References(Directory) || (Options.Namespace is null && p.InCgroup("/" + Namespace)))).ToList();

    /// <summary>Mount points under the directory (rootfs overlays, shm, ...).</summary>
    public IReadOnlyList<string> Mounts() => HostProcesses.MountsUnder(Directory);

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (!process.HasExited)
        {
            await DeleteEverythingAsync();
            await StopDaemonAsync();
        }

        await KillLeftoversAsync();
        await UnmountAllAsync();
        RemoveHostState();
        ReportOnDispose();
        if (Mounts().Count == 0)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                cleanupNotes.Add($"could not delete {Directory}: {e.Message}");
            }
        }
        else
        {
            cleanupNotes.Add($"left {Directory} in place: still mounted: {string.Join(", ", Mounts())}");
        }

        process.Dispose();
    }

    /// <summary>Implemented next to the xunit code: writes the log and notes into the test's output when it failed.</summary>
    partial void ReportOnDispose();

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var ctr = Ctr("io.containerd.runc.v2", "default");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"containerd exited with {process.ExitCode}");
            }

            if (File.Exists(GrpcAddress))
            {
                try
                {
                    if ((await ctr.RunAsync(["version"], TimeSpan.FromSeconds(5), cancellationToken: cancellationToken)).Succeeded)
                    {
                        return;
                    }
                }
                catch (TimeoutException)
                {
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("containerd did not answer `ctr version`");
            }

            await Task.Delay(25, cancellationToken);
        }
    }

    private async Task<bool> PluginOkAsync(string type, string id)
    {
        CommandResult plugins = await Ctr("io.containerd.runc.v2", "default").RunAsync("plugins", "ls");
        return Containerd.Ctr.Lines(plugins.Stdout)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f.Length >= 4 && f[0] == type && f[1] == id && f[^1] == "ok");
    }

    private async Task DeleteEverythingAsync()
    {
        var admin = Ctr("io.containerd.runc.v2", "default");
        try
        {
            CommandResult namespaces = await admin.RunAsync(["namespaces", "ls", "-q"], TimeSpan.FromSeconds(10));
            foreach (string ns in Containerd.Ctr.Lines(namespaces.Stdout))
            {
                var ctr = admin.WithNamespace(ns);
                foreach (CtrTask task in await ctr.TasksAsync())
                {
                    CommandResult deleted = await ctr.RunAsync(["task", "delete", "--force", task.Id], TimeSpan.FromSeconds(20));
                    if (!deleted.Succeeded && !deleted.Stderr.Contains("not found", StringComparison.Ordinal))
                    {
                        cleanupNotes.Add($"task delete --force {ns}/{task.Id} failed: {deleted.Stderr.Trim()}");
                    }
                }

                foreach (string id in await ctr.ContainersAsync())
                {
                    Track(ns, id);
                    CommandResult removed = await ctr.RunAsync(["container", "rm", id], TimeSpan.FromSeconds(20));
                    if (!removed.Succeeded)
                    {
                        cleanupNotes.Add($"container rm {ns}/{id} failed: {removed.Stderr.Trim()}");
                    }
                }
            }
        }
        catch (Exception e) when (e is TimeoutException or CommandFailedException or IOException)
        {
            cleanupNotes.Add("deleting tasks and containers failed: " + e.Message);
        }
    }

    private async Task StopDaemonAsync()
    {
        HostProcesses.Signal(process.Id, HostProcesses.SIGTERM);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            cleanupNotes.Add("containerd ignored SIGTERM for 5 s: SIGKILL");
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private async Task KillLeftoversAsync()
    {
        for (int round = 0; round < 5; round++)
        {
            IReadOnlyList<HostProcess> leftovers = LeftoverProcesses();
            if (leftovers.Count == 0)
            {
                return;
            }

            foreach (HostProcess leftover in leftovers)
            {
                cleanupNotes.Add($"killed leftover pid {leftover.Pid}: {leftover.CommandLine}");
                HostProcesses.Signal(leftover.Pid, HostProcesses.SIGKILL);
            }

            await HostProcesses.WaitGoneAsync(leftovers.Select(p => p.Pid), TimeSpan.FromSeconds(5));
        }

        cleanupNotes.Add("processes survived SIGKILL: " + string.Join(", ", LeftoverProcesses().Select(p => p.Pid)));
    }

    private async Task UnmountAllAsync()
    {
        for (int round = 0; round < 5; round++)
        {
            IReadOnlyList<string> mounts = Mounts();
            if (mounts.Count == 0)
            {
                return;
            }

            // Later lines of mountinfo are stacked on earlier ones: undo them in reverse.
            foreach (string mount in mounts.Reverse())
            {
                cleanupNotes.Add("unmounted leftover " + mount);
                CommandResult result = await Command.RunAsync("umount", [mount], TimeSpan.FromSeconds(10));
                if (!result.Succeeded)
                {
                    await Command.RunAsync("umount", ["-l", mount], TimeSpan.FromSeconds(10));
                }
            }
        }
    }

    // What containerd and runc keep outside the directory: shim sockets, runc state, cgroups.
    private void RemoveHostState()
    {
        lock (containers)
        {
            foreach ((string ns, string id) in containers)
            {
                string socket = ShimSocketPath(id, ns);
                if (File.Exists(socket))
                {
                    cleanupNotes.Add("removed leftover shim socket " + socket + " of " + id);
                    TryDelete(socket);
                }
            }
        }

        if (Options.Namespace is not null)
        {
            return; // a namespace we were given may be shared: leave its host state alone
        }

        string runcState = Path.Combine("/run/containerd/runc", Namespace);
        if (System.IO.Directory.Exists(runcState))
        {
            try
            {
                System.IO.Directory.Delete(runcState, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                cleanupNotes.Add($"could not remove {runcState}: {e.Message}");
            }
        }

        var cgroups = new List<string> { Path.Combine("/sys/fs/cgroup", Namespace) };
        if (System.IO.Directory.Exists("/sys/fs/cgroup"))
        {
            cgroups.AddRange(System.IO.Directory.GetDirectories("/sys/fs/cgroup").Select(c => Path.Combine(c, Namespace)));
        }

        foreach (string cgroup in cgroups.Where(System.IO.Directory.Exists))
        {
            RemoveCgroup(cgroup);
        }
    }

    // cgroup directories go with rmdir (their files cannot be deleted), deepest first.
    private void RemoveCgroup(string directory)
    {
        try
        {
            foreach (string child in System.IO.Directory.GetDirectories(directory))
            {
                RemoveCgroup(child);
            }

            System.IO.Directory.Delete(directory, recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            cleanupNotes.Add($"could not remove cgroup {directory}: {e.Message}");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string InstallShim(string bin, string runtime, string binary)
    {
        string link = Path.Combine(bin, ShimBinaryName(runtime));
        string target = Path.GetFullPath(binary);
        if (!File.Exists(target))
        {
            throw new FileNotFoundException("shim binary missing", target);
        }

        File.Delete(link);
        File.CreateSymbolicLink(link, target);
        return link;
    }

    // /tmp/ecr-ctd-XXXXXX, never under TMPDIR: socket paths must stay far below 108 bytes.
    private static string CreateDirectory()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        while (true)
        {
            string name = "/tmp/ecr-ctd-" + new string(RandomNumberGenerator.GetItems<char>(alphabet, 6));
            if (!Path.Exists(name))
            {
                System.IO.Directory.CreateDirectory(name);
                return name;
            }
        }
    }

    private static string Config(string directory, PrivateContainerdOptions options) => $"""
        # Generated by AotShim's PrivateContainerd.
        version = 2
        root = "{directory}/root"
        state = "{directory}/state"
        # No CRI (no CNI/pause image), no snapshotters this host lacks, nothing under /opt.
        disabled_plugins = [
          "io.containerd.grpc.v1.cri",
          "io.containerd.snapshotter.v1.btrfs",
          "io.containerd.snapshotter.v1.zfs",
          "io.containerd.snapshotter.v1.devmapper",
          "io.containerd.snapshotter.v1.aufs",
          "io.containerd.internal.v1.opt",
          "io.containerd.tracing.processor.v1.otlp",
          "io.containerd.internal.v1.tracing",
        ]

        [grpc]
          address = "{directory}/c.sock"

        [ttrpc]
          address = "{directory}/c.sock.ttrpc"

        [debug]
          address = "{directory}/d.sock"
          level = "{options.LogLevel}"

        [metrics]
          address = ""

        {options.ExtraConfig}
        """;
}
