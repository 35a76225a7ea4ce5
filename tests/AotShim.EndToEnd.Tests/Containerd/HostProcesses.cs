using System.Runtime.InteropServices;
using System.Text;

namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>One process as /proc shows it.</summary>
public sealed record HostProcess(int Pid, char State, IReadOnlyList<string> Argv, string Environ, string Cgroups, string? Exe)
{
    public string CommandLine => string.Join(' ', Argv);

    /// <summary>The file name of argv[0].</summary>
    public string Name => Argv.Count > 0 ? Path.GetFileName(Argv[0]) : "";

    /// <summary>True when argv[0] or the executable (/proc/PID/exe, symlinks resolved) has this file-name prefix.</summary>
    public bool IsNamed(string prefix) =>
        Name.StartsWith(prefix, StringComparison.Ordinal) || (Exe is not null && Path.GetFileName(Exe).StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Zombies (state Z) and dead (X) entries: this sandbox's PID 1 does not reap orphans, so they linger.</summary>
    public bool IsDead => State is 'Z' or 'X';

    /// <summary>True when one of its cgroup paths (/proc/PID/cgroup, v1 or v2) is at or below <paramref name="path"/>, e.g. "/NS" for runc's /NS/ID.</summary>
    public bool InCgroup(string path) =>
        Cgroups.Split('\n').Any(line => line[(line.LastIndexOf(':') + 1)..] is var cgroup && (cgroup == path || cgroup.StartsWith(path + "/", StringComparison.Ordinal)));

    public bool References(string text) =>
        Argv.Any(arg => arg.Contains(text, StringComparison.Ordinal)) || Environ.Contains(text, StringComparison.Ordinal);
}

/// <summary>/proc and /proc/self/mountinfo for the test harness: finding shims and mounts, signalling.</summary>
public static class HostProcesses
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>Every process on the host right now (entries that vanish while reading are skipped).</summary>
    public static IReadOnlyList<HostProcess> All()
    {
        var list = new List<HostProcess>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            if (Read(pid) is { } process)
            {
                list.Add(process);
            }
        }

        return list;
    }

    public static HostProcess? Read(int pid)
    {
        string dir = "/proc/" + pid;
        try
        {
            string stat = File.ReadAllText(dir + "/stat");
            // "pid (comm) S ...": comm may contain spaces and parentheses; the state follows the last ')'.
            char state = stat[stat.LastIndexOf(')') + 2];
            string[] argv = File.ReadAllText(dir + "/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            string environ = "";
            string cgroups = "";
            string? exe = null;
            try
            {
                environ = File.ReadAllText(dir + "/environ").Replace('\0', '\n');
                cgroups = File.ReadAllText(dir + "/cgroup");
                exe = new FileInfo(dir + "/exe").LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }

            return new HostProcess(pid, state, argv, environ, cgroups, exe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => Read(pid) is { IsDead: false };

    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>Waits until none of the processes is alive (zombies count as gone).</summary>
    public static async Task<bool> WaitGoneAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var remaining = pids.ToList();
        while (true)
        {
            remaining.RemoveAll(pid => !IsAlive(pid));
            if (remaining.Count == 0)
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Mount points (unescaped) at or under <paramref name="directory"/>, deepest last in mount order.</summary>
    public static IReadOnlyList<string> MountsUnder(string directory)
    {
        string prefix = directory.TrimEnd('/') + "/";
        var mounts = new List<string>();
        foreach (string line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 4)
            {
                string mountPoint = Unescape(fields[4]);
                if (mountPoint == directory.TrimEnd('/') || mountPoint.StartsWith(prefix, StringComparison.Ordinal))
                {
                    mounts.Add(mountPoint);
                }
            }
        }

        return mounts;
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }

        var builder = new StringBuilder();
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s.Substring(at, 3).All(c => c is >= '0' and <= '7');

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
