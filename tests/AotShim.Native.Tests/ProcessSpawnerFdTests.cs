using System.IO.Pipes;
using AotShim.Native;
using Tmds.Linux;

namespace AotShim.Native.Tests;

public sealed class ProcessSpawnerFdTests
{
    private static readonly SpawnOptions Ls = new("/bin/ls", ["ls"]);

    [Fact]
    public async Task Two_mapped_pipes_appear_at_3_and_4_and_nothing_else_is_open()
    {
        using var a = new AnonymousPipeServerStream(PipeDirection.In);
        using var b = new AnonymousPipeServerStream(PipeDirection.Out);

        var fds = await SpawnRun.ChildFdsAsync(Ls with { Fds = [new(a.ClientSafePipeHandle, 3), new(b.ClientSafePipeHandle, 4)] });

        Assert.Equal([0, 1, 2, 3, 4], fds.Keys.Order());
        Assert.Equal(SpawnRun.Target((int)a.ClientSafePipeHandle.DangerousGetHandle()), fds[3]);
        Assert.Equal(SpawnRun.Target((int)b.ClientSafePipeHandle.DangerousGetHandle()), fds[4]);
        Assert.StartsWith("pipe:[", fds[3]);
    }

    [Fact]
    public async Task Stdio_left_out_is_dev_null()
    {
        var fds = await SpawnRun.ChildFdsAsync(Ls);

        Assert.Equal([0, 1, 2], fds.Keys.Order());
        Assert.Equal("/dev/null", fds[0]);
        Assert.Equal("/dev/null", fds[2]);
    }

    [Fact]
    public async Task A_descriptor_opened_without_close_on_exec_does_not_reach_the_child()
    {
        using var directory = new TempDirectory();
        string marker = directory.File("marker", "x");
        using FileDescriptor closeOnExec = Files.Open(marker, OpenFlags.ReadOnly);
        using FileDescriptor inheritable = FileDescriptor.Adopt(LibC.dup(closeOnExec.Number));
        Assert.Equal(0, LibC.fcntl(inheritable.Number, LibC.F_GETFD) & LibC.FD_CLOEXEC);

        var fds = await SpawnRun.ChildFdsAsync(Ls);

        Assert.DoesNotContain(marker, fds.Values);
        Assert.Equal([0, 1, 2], fds.Keys.Order());
    }

    [Fact]
    public async Task A_descriptor_numbered_between_the_targets_does_not_reach_the_child()
    {
        using FileDescriptor closeOnExec = Files.Open("/dev/null", OpenFlags.ReadOnly);
        using FileDescriptor inheritable = FileDescriptor.Adopt(LibC.dup(closeOnExec.Number));
        using var a = new AnonymousPipeServerStream(PipeDirection.In);
        int high = Math.Max(inheritable.Number, (int)a.ClientSafePipeHandle.DangerousGetHandle()) + 50;

        var fds = await SpawnRun.ChildFdsAsync(Ls with { Fds = [new(a.ClientSafePipeHandle, 3), new(a.ClientSafePipeHandle, high)] });

        Assert.Equal([0, 1, 2, 3, high], fds.Keys.Order());
    }

    [Fact]
    public async Task Swapped_mappings_each_reach_the_other_number()
    {
        using var a = new AnonymousPipeServerStream(PipeDirection.In);
        using var b = new AnonymousPipeServerStream(PipeDirection.In);
        int aFd = (int)a.ClientSafePipeHandle.DangerousGetHandle();
        int bFd = (int)b.ClientSafePipeHandle.DangerousGetHandle();

        var fds = await SpawnRun.ChildFdsAsync(Ls with { Fds = [new(a.ClientSafePipeHandle, bFd), new(b.ClientSafePipeHandle, aFd)] });

        Assert.Equal(SpawnRun.Target(aFd), fds[bFd]);
        Assert.Equal(SpawnRun.Target(bFd), fds[aFd]);
        Assert.Equal(new[] { 0, 1, 2, aFd, bFd }.Order(), fds.Keys.Order());
    }

    [Fact]
    public async Task A_descriptor_mapped_to_its_own_number_stays_open_in_the_child()
    {
        using var a = new AnonymousPipeServerStream(PipeDirection.In);
        int aFd = (int)a.ClientSafePipeHandle.DangerousGetHandle();

        var fds = await SpawnRun.ChildFdsAsync(Ls with { Fds = [new(a.ClientSafePipeHandle, aFd)] });

        Assert.Equal(SpawnRun.Target(aFd), fds[aFd]);
    }

    [Fact]
    public async Task The_parent_keeps_its_mapped_descriptors()
    {
        using var a = new AnonymousPipeServerStream(PipeDirection.In);
        int aFd = (int)a.ClientSafePipeHandle.DangerousGetHandle();
        string before = SpawnRun.Target(aFd);

        await SpawnRun.ChildFdsAsync(Ls with { Fds = [new(a.ClientSafePipeHandle, 3)] });

        Assert.False(a.ClientSafePipeHandle.IsClosed);
        Assert.Equal(before, SpawnRun.Target(aFd));
    }

    [Fact]
    public async Task Stdin_handle_is_what_the_child_reads()
    {
        using var stdin = new AnonymousPipeServerStream(PipeDirection.Out);
        Task<(int Exit, string Output)> run;
        try
        {
            run = SpawnRun.RunAsync(new SpawnOptions("/bin/cat", ["cat"]) { StandardInput = stdin.ClientSafePipeHandle });
        }
        finally
        {
            stdin.DisposeLocalCopyOfClientHandle();
        }

        await stdin.WriteAsync("hello\n"u8.ToArray(), TestContext.Current.CancellationToken);
        stdin.Close();

        Assert.Equal((0, "hello\n"), await run);
    }
}
