using System.Runtime.InteropServices;

namespace AotShim.Native;

/// <summary>An owned posix_spawn_file_actions_t: what the child does to its descriptors before exec, in order.</summary>
internal sealed unsafe partial class SpawnFileActions : IDisposable
{
    // glibc's struct is 80 bytes on x86_64 and arm64; room to spare costs nothing.
    private const nuint Size = 256;

    private readonly void* _actions;

    public SpawnFileActions()
    {
        _actions = NativeMemory.AlignedAlloc(Size, 16);
        NativeMemory.Clear(_actions, Size);
        int error = posix_spawn_file_actions_init(_actions);
        if (error != 0)
        {
            NativeMemory.AlignedFree(_actions);
            ReturnedErrno.Check(error, "posix_spawn_file_actions_init()");
        }
    }

    public void* Pointer => _actions;

    public void AddDup2(int fd, int target) =>
        ReturnedErrno.Check(posix_spawn_file_actions_adddup2(_actions, fd, target), $"posix_spawn_file_actions_adddup2({fd}, {target})");

    /// <summary>Closes <paramref name="fd"/> in the child; glibc ignores EBADF, so the number need not be open.</summary>
    public void AddClose(int fd) =>
        ReturnedErrno.Check(posix_spawn_file_actions_addclose(_actions, fd), $"posix_spawn_file_actions_addclose({fd})");

    public void AddOpen(int target, string path, int flags)
    {
        fixed (byte* p = Files.NullTerminated(path))
        {
            // glibc copies the path, so the pinned buffer need not outlive this call.
            ReturnedErrno.Check(posix_spawn_file_actions_addopen(_actions, target, p, flags, 0), $"posix_spawn_file_actions_addopen({target}, \"{path}\")");
        }
    }

    public void AddChdir(string path)
    {
        fixed (byte* p = Files.NullTerminated(path))
        {
            ReturnedErrno.Check(posix_spawn_file_actions_addchdir_np(_actions, p), $"posix_spawn_file_actions_addchdir_np(\"{path}\")");
        }
    }

    public void AddCloseFrom(int lowest) =>
        ReturnedErrno.Check(posix_spawn_file_actions_addclosefrom_np(_actions, lowest), $"posix_spawn_file_actions_addclosefrom_np({lowest})");

    public void Dispose()
    {
        posix_spawn_file_actions_destroy(_actions);
        NativeMemory.AlignedFree(_actions);
    }

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addclose(void* actions, int fd);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addopen(void* actions, int fd, byte* path, int flags, uint mode);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addchdir_np(void* actions, byte* path);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addclosefrom_np(void* actions, int from);
}
