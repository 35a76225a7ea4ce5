using AotShim.Native;

namespace AotShim.Native.Tests;

public sealed class ProcessSpawnerTests
{
    private static SpawnOptions Sh(string script) => new("/bin/sh", ["sh", "-c", script]);

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 7", 7)]
    [InlineData("exit 255", 255)]
    [InlineData("kill -TERM $$", 128 + 15)]
    [InlineData("kill -KILL $$", 128 + 9)]
    public async Task Exit_status_is_the_exit_code_or_128_plus_the_signal(string script, int expected)
    {
        using ChildProcess child = ProcessSpawner.Spawn(Sh(script));

        Assert.Equal(expected, await child.WaitForExitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Signal_ends_the_child_and_reports_false_once_it_is_reaped()
    {
        using ChildProcess child = ProcessSpawner.Spawn(new SpawnOptions("/bin/sleep", ["sleep", "60"]));

        Assert.True(child.Signal(Signals.SIGTERM));
        Assert.Equal(128 + Signals.SIGTERM, await child.WaitForExitAsync(TestContext.Current.CancellationToken));
        Assert.False(child.Signal(Signals.SIGKILL));
    }

    [Fact]
    public async Task A_waited_child_leaves_no_zombie()
    {
        using ChildProcess child = ProcessSpawner.Spawn(Sh("exit 3"));

        await child.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.False(Directory.Exists($"/proc/{child.Pid}"));
    }

    [Fact]
    public async Task A_child_nobody_waits_for_is_still_reaped()
    {
        ChildProcess child = ProcessSpawner.Spawn(Sh("exit 0"));
        int pid = child.Pid;
        child.Dispose();

        for (int i = 0; i < 200 && Directory.Exists($"/proc/{pid}"); i++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.False(Directory.Exists($"/proc/{pid}"));
    }

    [Fact]
    public async Task Cancelling_a_wait_leaves_the_child_running()
    {
        using ChildProcess child = ProcessSpawner.Spawn(new SpawnOptions("/bin/sleep", ["sleep", "60"]));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await child.WaitForExitAsync(cancel.Token));

        Assert.False(child.Exited.IsCompleted);
        child.Signal(Signals.SIGKILL);
        Assert.Equal(128 + Signals.SIGKILL, await child.WaitForExitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_environment_is_exactly_the_one_given()
    {
        var env = new SpawnOptions("/usr/bin/env", ["env"]);

        Assert.Equal((0, ""), await SpawnRun.RunAsync(env));
        Assert.Equal((0, "A=1\nB=two words\n"), await SpawnRun.RunAsync(env with { Environment = ["A=1", "B=two words"] }));
    }

    [Fact]
    public async Task Argv0_is_the_one_given()
    {
        Assert.Equal((0, "qemu-test\n"), await SpawnRun.RunAsync(Sh("echo $0") with { Argv = ["sh", "-c", "echo $0", "qemu-test"] }));
    }

    [Fact]
    public async Task The_child_starts_with_an_empty_signal_mask_and_no_ignored_signals()
    {
        var grep = new SpawnOptions("/bin/grep", ["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]);

        (int exit, string output) = await SpawnRun.RunAsync(grep);

        Assert.Equal(0, exit);
        Assert.Equal("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", output);
    }

    [Fact]
    public async Task The_working_directory_is_the_one_given()
    {
        using var directory = new TempDirectory();

        Assert.Equal((0, directory.Path + "\n"), await SpawnRun.RunAsync(new SpawnOptions("/bin/pwd", ["pwd"]) { WorkingDirectory = directory.Path }));
    }

    [Fact]
    public void A_missing_binary_fails_naming_the_path_and_ENOENT()
    {
        var e = Assert.Throws<NativeException>(() => ProcessSpawner.Spawn(new SpawnOptions("/nonexistent/ecr-qemu", ["qemu"])));

        Assert.Equal(Errnos.ENOENT, e.Errno);
        Assert.StartsWith("posix_spawn(\"/nonexistent/ecr-qemu\"): ENOENT", e.Message);
    }

    [Fact]
    public void A_relative_path_is_refused() =>
        Assert.Throws<ArgumentException>(() => ProcessSpawner.Spawn(new SpawnOptions("sh", ["sh"])));

    [Fact]
    public void An_argument_with_a_NUL_is_refused() =>
        Assert.Throws<ArgumentException>(() => ProcessSpawner.Spawn(Sh("exit 0\0; rm -rf /")));

    [Theory]
    [InlineData(2, 5)]
    [InlineData(5, 5)]
    public void Mapping_to_stdio_or_twice_to_one_number_is_refused(int first, int second)
    {
        using FileDescriptor fd = Files.Open("/dev/null", OpenFlags.ReadOnly);

        Assert.Throws<ArgumentException>(() => ProcessSpawner.Spawn(Sh("exit 0") with { Fds = [new(fd, first), new(fd, second)] }));
    }
}
