using System.Runtime.InteropServices;
using Tmds.Linux;

namespace AotShim.Native;

/// <summary>An owned posix_spawnattr_t that gives the child an empty signal mask and default dispositions for every signal.</summary>
internal sealed unsafe partial class SpawnAttributes : IDisposable
{
    // glibc's struct is 336 bytes on x86_64 and arm64; room to spare costs nothing.
    private const nuint Size = 1024;
    private const short SetSignalDefault = 0x04;
    private const short SetSignalMask = 0x08;
    private const short SetSession = 0x80;

    private readonly void* _attributes;

    public SpawnAttributes(bool newSession)
    {
        _attributes = NativeMemory.AlignedAlloc(Size, 16);
        NativeMemory.Clear(_attributes, Size);
        int error = posix_spawnattr_init(_attributes);
        if (error != 0)
        {
            NativeMemory.AlignedFree(_attributes);
            ReturnedErrno.Check(error, "posix_spawnattr_init()");
        }

        try
        {
            // The .NET runtime blocks some signals and ignores SIGPIPE; both would survive exec otherwise.
            sigset_t signals;
            LibC.sigemptyset(&signals);
            ReturnedErrno.Check(posix_spawnattr_setsigmask(_attributes, &signals), "posix_spawnattr_setsigmask(empty)");
            // sigfillset leaves out glibc's internal signals 32 and 33, which posix_spawn would then leave ignored
            // across exec; setting the bits of signals 1-64 directly resets those too.
            *(ulong*)&signals = ulong.MaxValue;
            ReturnedErrno.Check(posix_spawnattr_setsigdefault(_attributes, &signals), "posix_spawnattr_setsigdefault(all)");
            ReturnedErrno.Check(posix_spawnattr_setflags(_attributes, (short)(SetSignalDefault | SetSignalMask | (newSession ? SetSession : 0))), "posix_spawnattr_setflags(SETSIGDEF|SETSIGMASK[|SETSID])");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void* Pointer => _attributes;

    public void Dispose()
    {
        posix_spawnattr_destroy(_attributes);
        NativeMemory.AlignedFree(_attributes);
    }

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_init(void* attributes);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_destroy(void* attributes);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setsigmask(void* attributes, sigset_t* mask);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setsigdefault(void* attributes, sigset_t* signals);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setflags(void* attributes, short flags);
}
