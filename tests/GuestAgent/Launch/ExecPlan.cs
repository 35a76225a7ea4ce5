namespace AotShim.GuestAgent.Launch;

/// <summary>
/// Everything the exec-in helper needs to become a container process, carried on its command line (visible in
/// /proc/PID/cmdline until it execs, which helps debugging): the agent builds it, <see cref="ExecIn"/> parses it.
/// </summary>
internal sealed record ExecPlan
{
    public const string Command = "exec-in";

    public required string Rootfs { get; init; }

    public required string Cwd { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public uint[] AdditionalGids { get; init; } = [];

    /// <summary>The container's UTS hostname; empty keeps the guest's.</summary>
    public string Hostname { get; init; } = "";

    /// <summary>cgroup v2 directory the process joins before anything else; empty for none.</summary>
    public string Cgroup { get; init; } = "";

    /// <summary>0: new mount/UTS/IPC namespaces (a container's init); else join those of this pid (an exec).</summary>
    public int JoinPid { get; init; }

    /// <summary>stdin is a pty slave that becomes the controlling terminal.</summary>
    public bool Terminal { get; init; }

    /// <summary>The spec's root.readonly: the rootfs is remounted read-only once the mounts are made.</summary>
    public bool ReadonlyRootfs { get; init; }

    public IReadOnlyList<PlannedMount> Mounts { get; init; } = [];

    public IReadOnlyList<string> Environment { get; init; } = [];

    public required IReadOnlyList<string> Args { get; init; }

    /// <summary>The helper's argv after argv[0]: `exec-in --option value ... -- ARGS...`.</summary>
    public IReadOnlyList<string> ToArguments()
    {
        var argv = new List<string>
        {
            Command, "--rootfs", Rootfs, "--cwd", Cwd, "--uid", Uid.ToString(), "--gid", Gid.ToString(),
            "--groups", string.Join(',', AdditionalGids), "--hostname", Hostname, "--cgroup", Cgroup, "--join", JoinPid.ToString(),
        };
        if (Terminal)
        {
            argv.Add("--tty");
        }

        if (ReadonlyRootfs)
        {
            argv.Add("--readonly");
        }

        foreach (PlannedMount mount in Mounts)
        {
            argv.AddRange(["--mount", mount.Type, mount.Source, mount.Destination, mount.Options]);
        }

        foreach (string variable in Environment)
        {
            argv.AddRange(["--env", variable]);
        }

        argv.Add("--");
        argv.AddRange(Args);
        return argv;
    }

    /// <summary>Parses what <see cref="ToArguments"/> wrote, <paramref name="args"/>[0] being <see cref="Command"/>.</summary>
    public static ExecPlan Parse(IReadOnlyList<string> args)
    {
        string rootfs = "", cwd = "/", hostname = "", cgroup = "";
        uint uid = 0, gid = 0;
        uint[] groups = [];
        int join = 0;
        bool terminal = false, readonlyRootfs = false;
        var mounts = new List<PlannedMount>();
        var environment = new List<string>();
        int i = 1;
        string Next() => i < args.Count ? args[i++] : throw new ArgumentException($"{Command}: {args[i - 1]} needs a value");
        while (i < args.Count)
        {
            string option = args[i++];
            switch (option)
            {
                case "--": return new ExecPlan
                {
                    Rootfs = rootfs, Cwd = cwd, Uid = uid, Gid = gid, AdditionalGids = groups, Hostname = hostname, Cgroup = cgroup,
                    JoinPid = join, Terminal = terminal, ReadonlyRootfs = readonlyRootfs, Mounts = mounts, Environment = environment, Args = [.. args.Skip(i)],
                };
                case "--rootfs": rootfs = Next(); break;
                case "--cwd": cwd = Next(); break;
                case "--uid": uid = uint.Parse(Next()); break;
                case "--gid": gid = uint.Parse(Next()); break;
                case "--groups": groups = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(uint.Parse)]; break;
                case "--hostname": hostname = Next(); break;
                case "--cgroup": cgroup = Next(); break;
                case "--join": join = int.Parse(Next()); break;
                case "--tty": terminal = true; break;
                case "--readonly": readonlyRootfs = true; break;
                case "--mount": mounts.Add(new PlannedMount(Next(), Next(), Next(), Next())); break;
                case "--env": environment.Add(Next()); break;
                default: throw new ArgumentException($"{Command}: unknown option {option}");
            }
        }

        throw new ArgumentException($"{Command}: no -- before the container's argv");
    }
}
