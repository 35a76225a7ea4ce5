using AotShim.Native;

namespace AotShim.Shim.Compute;

/// <summary>
/// One cgroup per sandbox in every mounted hierarchy (each v1 controller hierarchy, and the v2 unified one), as kata
/// makes them. With sandbox_cgroup_only it holds the shim, QEMU and its helpers, so the pod's whole host overhead is
/// accounted to the pod; without, it holds QEMU's vCPU threads only and the rest lives in the unconstrained
/// <see cref="CreateOverheadAsync"/> one. Moving the shim in before QEMU and virtiofsd start puts them there by
/// inheritance. Teardown moves whatever is still inside back where it came from and removes every directory this
/// created, which <see cref="Directories"/> lists for the persisted state: <see cref="RemoveLeftoversAsync"/> removes
/// them after a shim crash.
/// </summary>
public sealed class SandboxCgroup
{
    private const string Procs = "cgroup.procs";
    private const string Tasks = "tasks";

    /// <summary>kata's resCtrlKataOverheadID: shared by every sandbox, so never removed.</summary>
    private const string OverheadParent = "/kata_overhead";
    private static readonly TimeSpan BusyRetry = TimeSpan.FromMilliseconds(10);
    private const int BusyAttempts = 8;

    private readonly IReadOnlyList<CgroupHierarchy> _hierarchies;
    private readonly List<string> _created;
    private readonly Dictionary<(int Pid, string MountPoint), string> _origins = [];

    private SandboxCgroup(string path, IReadOnlyList<CgroupHierarchy> hierarchies, List<string> created)
    {
        Path = path;
        _hierarchies = hierarchies;
        _created = created;
    }

    /// <summary>The cgroup's path inside each hierarchy, e.g. "/kubepods/podX/ecr_SANDBOX".</summary>
    public string Path { get; }

    /// <summary>The directories this created, parents before children: what to persist for a cleanup after a crash.</summary>
    public IReadOnlyList<string> Directories => _created;

    /// <summary>Creates the cgroup (and any missing parent) in every hierarchy; a failure removes what it had created.</summary>
    /// <exception cref="IOException">A directory could not be created or prepared; the message names it.</exception>
    public static ValueTask<SandboxCgroup> CreateAsync(string sandboxId, string? cgroupsPath, IReadOnlyList<CgroupHierarchy>? hierarchies = null) =>
        CreateAtAsync(SandboxCgroupPath.For(sandboxId, cgroupsPath), hierarchies, ownsParents: true);

    /// <summary>kata's overhead cgroup, /kata_overhead/ID: the shim, QEMU and helpers when sandbox_cgroup_only is off.</summary>
    /// <exception cref="IOException">A directory could not be created or prepared; the message names it.</exception>
    public static ValueTask<SandboxCgroup> CreateOverheadAsync(string sandboxId, IReadOnlyList<CgroupHierarchy>? hierarchies = null) =>
        CreateAtAsync($"{OverheadParent}/{sandboxId}", hierarchies, ownsParents: false);

    private static async ValueTask<SandboxCgroup> CreateAtAsync(string path, IReadOnlyList<CgroupHierarchy>? hierarchies, bool ownsParents)
    {
        hierarchies ??= CgroupHierarchy.Mounted();
        if (hierarchies.Count == 0)
        {
            throw new IOException("sandbox cgroup: no cgroup hierarchy is mounted (/proc/self/mountinfo lists none)");
        }

        var created = new List<string>();
        try
        {
            foreach (CgroupHierarchy hierarchy in hierarchies)
            {
                CreateIn(hierarchy, path, created, ownsParents);
            }
        }
        catch
        {
            await RemoveDirectoriesAsync(created, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return new SandboxCgroup(path, hierarchies, created);
    }

    /// <summary>Moves process <paramref name="pid"/> (all its threads) into the cgroup in every hierarchy, remembering where it was.</summary>
    /// <exception cref="IOException">The kernel refused; the message names the process and the cgroup.</exception>
    public void AddProcess(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/cgroup");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new IOException($"moving process {pid} into sandbox cgroup {Path}: no such process", e);
        }

        foreach (CgroupHierarchy hierarchy in _hierarchies)
        {
            foreach (string line in lines)
            {
                if (hierarchy.Matches(line, out string origin))
                {
                    _origins.TryAdd((pid, hierarchy.MountPoint), hierarchy.Directory(origin));
                    break;
                }
            }

            WriteId(hierarchy.Directory(Path), Procs, pid, "process");
        }
    }

    /// <summary>
    /// Moves thread <paramref name="tid"/> alone into the cgroup in every v1 hierarchy (kata's AddThread, for vCPU
    /// threads); v2 moves only whole processes, so there the thread's process follows it.
    /// </summary>
    /// <exception cref="IOException">The kernel refused; the message names the thread and the cgroup.</exception>
    public void AddThread(int tid)
    {
        foreach (CgroupHierarchy hierarchy in _hierarchies)
        {
            WriteId(hierarchy.Directory(Path), hierarchy.Unified ? Procs : Tasks, tid, "thread");
        }
    }

    /// <summary>
    /// Confines the cgroup to CPUs <paramref name="cpus"/> and memory nodes <paramref name="mems"/> (kata's
    /// UpdateCpuSet); an empty list gives back the parent's. Only cpuset hierarchies have the files: v1's, and v2 where
    /// the parent enabled the controller.
    /// </summary>
    /// <exception cref="IOException">The kernel refused, e.g. a CPU outside the parent's set; the message names the file and the value.</exception>
    public void SetCpuset(string cpus, string mems)
    {
        foreach (CgroupHierarchy hierarchy in _hierarchies)
        {
            string directory = hierarchy.Directory(Path);
            SetCpusetFile(hierarchy, directory, "cpuset.cpus", cpus);
            SetCpusetFile(hierarchy, directory, "cpuset.mems", mems);
        }
    }

    private static void SetCpusetFile(CgroupHierarchy hierarchy, string directory, string file, string value)
    {
        string path = System.IO.Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            return;
        }

        // v1 refuses an empty set while tasks are inside; v2 reads an empty one as the parent's.
        if (value.Length == 0 && !hierarchy.Unified)
        {
            value = File.ReadAllText(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(directory)!, file)).Trim();
        }

        try
        {
            WriteValue(path, value.Length == 0 ? "\n" : value);
        }
        catch (IOException e)
        {
            throw new IOException($"sandbox cgroup {path}: writing \"{value}\": {e.Message}", e);
        }
    }

    /// <summary>
    /// Moves every process still inside back to where <see cref="AddProcess"/> found it (others to the parent), then
    /// removes the directories; ones already gone are fine. Call it after QEMU and its helpers have exited.
    /// </summary>
    public async ValueTask RemoveAsync(CancellationToken ct)
    {
        foreach (CgroupHierarchy hierarchy in _hierarchies)
        {
            string directory = hierarchy.Directory(Path);
            foreach (int pid in ProcessesIn(directory))
            {
                string? origin = _origins.GetValueOrDefault((pid, hierarchy.MountPoint));
                MoveOut(pid, origin is not null && System.IO.Directory.Exists(origin) ? origin : System.IO.Path.GetDirectoryName(directory)!);
            }
        }

        await RemoveDirectoriesAsync(_created, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// `delete` after a shim crash: the persisted <see cref="Directories"/>, children first; a process left inside is
    /// moved to the parent, a directory already gone is skipped.
    /// </summary>
    public static ValueTask RemoveLeftoversAsync(IReadOnlyList<string> directories, CancellationToken ct) => RemoveDirectoriesAsync(directories, ct);

    /// <summary>Creates <paramref name="path"/> and its missing parents; only the leaf is recorded unless <paramref name="ownsParents"/>.</summary>
    private static void CreateIn(CgroupHierarchy hierarchy, string path, List<string> created, bool ownsParents)
    {
        string directory = hierarchy.MountPoint;
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            string parent = directory;
            directory += "/" + parts[i];
            if (System.IO.Directory.Exists(directory))
            {
                continue;
            }

            try
            {
                System.IO.Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"sandbox cgroup {directory}: {e.Message}", e);
            }

            if (ownsParents || i == parts.Length - 1)
            {
                created.Add(directory);
            }

            if (hierarchy.Controllers.Contains("cpuset"))
            {
                // A new v1 cpuset cgroup starts with no CPUs and no memory nodes, and refuses tasks until given some.
                InheritCpuset(parent, directory, "cpuset.cpus");
                InheritCpuset(parent, directory, "cpuset.mems");
            }
        }
    }

    private static void InheritCpuset(string parent, string directory, string file)
    {
        string own = System.IO.Path.Combine(directory, file);
        if (File.Exists(own) && File.ReadAllText(own).Trim().Length == 0)
        {
            WriteValue(own, File.ReadAllText(System.IO.Path.Combine(parent, file)).Trim());
        }
    }

    private static void WriteId(string directory, string file, int id, string what)
    {
        try
        {
            WriteValue(System.IO.Path.Combine(directory, file), id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (IOException e)
        {
            throw new IOException($"moving {what} {id} into cgroup {directory}: {e.Message}", e);
        }
    }

    /// <summary>Moving out a process that exited meanwhile is not an error.</summary>
    private static void MoveOut(int pid, string destination)
    {
        try
        {
            WriteId(destination, Procs, pid, "process");
        }
        catch (IOException e) when (e.InnerException is IOException { HResult: Errnos.ESRCH })
        {
        }
    }

    /// <summary>One write(2) of the whole value, as cgroupfs wants it, without O_TRUNC or O_CREAT.</summary>
    private static void WriteValue(string file, string value)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(value));
    }

    private static IReadOnlyList<int> ProcessesIn(string directory)
    {
        try
        {
            return File.ReadAllLines(System.IO.Path.Combine(directory, Procs))
                .Select(line => int.Parse(line, System.Globalization.CultureInfo.InvariantCulture))
                .ToArray();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static async ValueTask RemoveDirectoriesAsync(IReadOnlyList<string> directories, CancellationToken ct)
    {
        for (int i = directories.Count - 1; i >= 0; i--)
        {
            string directory = directories[i];

            // A parent this sandbox made may hold another sandbox's cgroup by now; that one is still in use.
            if (HasChildCgroups(directory))
            {
                continue;
            }

            foreach (int pid in ProcessesIn(directory))
            {
                MoveOut(pid, System.IO.Path.GetDirectoryName(directory)!);
            }

            await RemoveDirectoryAsync(directory, ct).ConfigureAwait(false);
        }
    }

    private static bool HasChildCgroups(string directory)
    {
        try
        {
            return System.IO.Directory.EnumerateDirectories(directory).Any();
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>rmdir; EBUSY is retried a little: a process that just left may still hold the cgroup for a moment.</summary>
    private static async ValueTask RemoveDirectoryAsync(string directory, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                System.IO.Directory.Delete(directory);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException e) when (e.HResult == Errnos.EBUSY && attempt < BusyAttempts)
            {
                await Task.Delay(BusyRetry * attempt, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new IOException($"removing sandbox cgroup {directory}: {e.Message}", e);
            }
        }
    }
}
