using AotShim.GuestAgent.Native;
using Microsoft.Win32.SafeHandles;

namespace AotShim.GuestAgent.Launch;

/// <summary>
/// The helper mode `ecr-guest-agent exec-in ...`: posix_spawn cannot chroot or enter namespaces, so the agent
/// spawns itself, and this code turns that child into the container's process before it execve()s the
/// container's program. Runs single-threaded on the main thread only, so per-thread state (the mount namespace
/// and root after unshare) is the state execve keeps. Failures go to fd 3, which exec closes on success.
/// </summary>
internal static class ExecIn
{
    public const int StatusFd = 3;
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static int Run(string[] args)
    {
        using var status = new SafeFileHandle(StatusFd, ownsHandle: true);
        try
        {
            GuestLibc.SetCloseOnExec(StatusFd);
            Become(ExecPlan.Parse(args));
            return 0;
        }
        catch (Exception e)
        {
            GuestLibc.WriteAll(status, System.Text.Encoding.UTF8.GetBytes(e.Message), "exec-in status");
            return 127;
        }
    }

    private static void Become(ExecPlan plan)
    {
        if (plan.Cgroup.Length > 0)
        {
            File.WriteAllText(Path.Combine(plan.Cgroup, "cgroup.procs"), Environment.ProcessId.ToString());
        }

        if (plan.JoinPid == 0)
        {
            EnterNewNamespaces(plan);
        }
        else
        {
            JoinNamespaces(plan.JoinPid);
        }

        GuestLibc.Chroot(plan.Rootfs);
        GuestLibc.Chdir("/");
        Directory.CreateDirectory(plan.Cwd);
        GuestLibc.Chdir(plan.Cwd);
        string program = Resolve(plan.Args, plan.Environment);
        if (plan.Terminal)
        {
            // posix_spawn's setsid made this a session leader; its first terminal becomes the controlling one.
            GuestLibc.SetControllingTerminal(0);
        }

        GuestLibc.SetUser(plan.Uid, plan.Gid, plan.AdditionalGids);
        GuestLibc.ResetSignals();
        GuestLibc.Execve(program, plan.Args, plan.Environment);
    }

    /// <summary>
    /// A container's init: private mounts, /proc and the guest's /dev inside the rootfs, the spec's mounts, and a
    /// read-only root last (the rootfs is bound on itself first, so that remount touches it alone, as kata's agent does).
    /// </summary>
    private static void EnterNewNamespaces(ExecPlan plan)
    {
        GuestLibc.Unshare(CloneFlags.NewMount | CloneFlags.NewUts | CloneFlags.NewIpc);
        GuestLibc.Mount(null, "/", null, (ulong)(MsFlags.Recursive | MsFlags.Private), null);
        if (plan.ReadonlyRootfs)
        {
            GuestLibc.Mount(plan.Rootfs, plan.Rootfs, null, (ulong)(MsFlags.Bind | MsFlags.Recursive), null);
        }

        string proc = Inside(plan.Rootfs, "/proc");
        Directory.CreateDirectory(proc);
        GuestLibc.Mount("proc", proc, "proc", (ulong)(MsFlags.NoSuid | MsFlags.NoDev | MsFlags.NoExec), null);
        string dev = Inside(plan.Rootfs, "/dev");
        Directory.CreateDirectory(dev);
        GuestLibc.Mount("/dev", dev, null, (ulong)(MsFlags.Bind | MsFlags.Recursive), null);
        foreach (PlannedMount mount in plan.Mounts)
        {
            MountOptions options = MountOptions.Parse([mount.Options]);
            string target = Inside(plan.Rootfs, mount.Destination);
            Mounter.CreateTarget(target, options.IsBind ? mount.Source : null);
            Mounter.Mount(mount.Source, target, mount.Type, options);
        }

        if (plan.ReadonlyRootfs)
        {
            GuestLibc.Mount(null, plan.Rootfs, null, (ulong)(MsFlags.Bind | MsFlags.Remount | MsFlags.ReadOnly | MsFlags.NoDev), null);
        }

        if (plan.Hostname.Length > 0)
        {
            GuestLibc.SetHostname(plan.Hostname);
        }
    }

    /// <summary>An exec: the IPC, UTS and mount namespaces of the container's init (mount last: it changes our root).</summary>
    private static void JoinNamespaces(int pid)
    {
        // setns into a mount namespace refuses a process whose fs_struct other threads share: unshare it first.
        GuestLibc.Unshare(CloneFlags.Fs);
        foreach (string name in (string[])["ipc", "uts", "mnt"])
        {
            string path = $"/proc/{pid}/ns/{name}";
            using SafeFileHandle ns = File.OpenHandle(path);
            GuestLibc.Setns(ns, path);
        }
    }

    /// <summary>argv[0] as execvp would find it, inside the (already entered) rootfs.</summary>
    private static string Resolve(IReadOnlyList<string> args, IReadOnlyList<string> environment)
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("the process has no args");
        }

        string name = args[0];
        if (name.Contains('/'))
        {
            return File.Exists(name) ? name : throw new FileNotFoundException($"exec: \"{name}\": no such file or directory");
        }

        string path = environment.LastOrDefault(v => v.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;
        foreach (string directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && GuestLibc.IsExecutable(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"exec: \"{name}\": executable file not found in $PATH");
    }

    private static string Inside(string rootfs, string path) => Path.Combine(rootfs, path.TrimStart('/'));
}
