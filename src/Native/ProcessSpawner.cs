using System.Runtime.InteropServices;
using Tmds.Linux;

namespace AotShim.Native;

/// <summary>posix_spawn with descriptors placed at chosen numbers and every other descriptor closed in the child.</summary>
public static unsafe partial class ProcessSpawner
{
    private const int FirstMappable = 3;

    /// <summary>Starts the child; a binary that cannot be executed fails here with the errno of its exec.</summary>
    public static ChildProcess Spawn(SpawnOptions options)
    {
        HashSet<int> targets = Targets(options);

        // Sources are first copied above every target, so one mapping's dup2 can never overwrite another's source.
        int floor = targets.Count == 0 ? FirstMappable : targets.Max() + 1;
        var copies = new List<(FileDescriptor Copy, int Target)>();
        try
        {
            using var actions = new SpawnFileActions();

            // closefrom below only reaches above the highest target: numbers between the targets are closed one by one.
            for (int fd = FirstMappable; fd < floor; fd++)
            {
                if (!targets.Contains(fd))
                {
                    actions.AddClose(fd);
                }
            }

            AddStandard(actions, copies, options.StandardInput, 0, LibC.O_RDONLY, floor);
            AddStandard(actions, copies, options.StandardOutput, 1, LibC.O_WRONLY, floor);
            AddStandard(actions, copies, options.StandardError, 2, LibC.O_WRONLY, floor);
            foreach (FdMapping mapping in options.Fds)
            {
                copies.Add((CopyAbove(mapping.Source, floor), mapping.Target));
            }

            foreach ((FileDescriptor copy, int target) in copies)
            {
                actions.AddDup2(copy.Number, target);
            }

            if (options.WorkingDirectory is string directory)
            {
                actions.AddChdir(directory);
            }

            // Closes our copies and anything else above the targets, even descriptors opened without O_CLOEXEC.
            actions.AddCloseFrom(floor);

            using var attributes = new SpawnAttributes(options.NewSession);
            using var argv = new NativeStringArray(options.Argv);
            using var envp = new NativeStringArray(options.Environment);
            int pid;
            fixed (byte* path = Files.NullTerminated(options.Path))
            {
                ReturnedErrno.Check(posix_spawn(&pid, path, actions.Pointer, attributes.Pointer, argv.Pointer, envp.Pointer), $"posix_spawn(\"{options.Path}\")");
            }

            return Watch(pid);
        }
        finally
        {
            foreach ((FileDescriptor copy, _) in copies)
            {
                copy.Dispose();
            }
        }
    }

    /// <summary>Checks the options and returns the mapping targets.</summary>
    private static HashSet<int> Targets(SpawnOptions options)
    {
        if (!Path.IsPathFullyQualified(options.Path))
        {
            throw new ArgumentException($"\"{options.Path}\" is not an absolute path", nameof(options));
        }

        if (options.Argv.Count == 0)
        {
            throw new ArgumentException("argv needs at least argv[0]", nameof(options));
        }

        var targets = new HashSet<int>();
        foreach (FdMapping mapping in options.Fds)
        {
            if (mapping.Target < FirstMappable || !targets.Add(mapping.Target))
            {
                throw new ArgumentException($"fd target {mapping.Target} is below {FirstMappable} or listed twice", nameof(options));
            }
        }

        return targets;
    }

    private static void AddStandard(SpawnFileActions actions, List<(FileDescriptor, int)> copies, SafeHandle? source, int target, int nullFlags, int floor)
    {
        if (source is null)
        {
            actions.AddOpen(target, "/dev/null", nullFlags);
        }
        else
        {
            copies.Add((CopyAbove(source, floor), target));
        }
    }

    private static FileDescriptor CopyAbove(SafeHandle source, int floor)
    {
        if (source.IsInvalid)
        {
            throw new ArgumentException("an invalid handle cannot be passed to a child", nameof(source));
        }

        bool added = false;
        try
        {
            source.DangerousAddRef(ref added);
            int fd = (int)source.DangerousGetHandle();
            int copy = LibC.fcntl(fd, LibC.F_DUPFD_CLOEXEC, floor);
            return new FileDescriptor(Syscall.Check(copy, $"fcntl({fd}, F_DUPFD_CLOEXEC, {floor})"));
        }
        finally
        {
            if (added)
            {
                source.DangerousRelease();
            }
        }
    }

    private static ChildProcess Watch(int pid)
    {
        int pidfd = pidfd_open(pid, 0);
        try
        {
            return new ChildProcess(pid, new FileDescriptor(Syscall.Check(pidfd, $"pidfd_open({pid})")));
        }
        catch (NativeException)
        {
            // Without a pidfd the child could not be waited for safely: end it now rather than leave it unowned.
            LibC.kill(pid, Signals.SIGKILL);
            ChildReaper.Reap(ChildReaper.ByPid, pid, $"waitid(P_PID, {pid})");
            throw;
        }
    }

    [LibraryImport("libc")]
    private static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pidfd_open(int pid, uint flags);
}
