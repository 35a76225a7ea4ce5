using System.IO.Pipes;
using AotShim.Native;
using AotShim.Shim.Hypervisor.Qemu;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace AotShim.Shim.Tests.Hypervisor;

public sealed class QemuLauncherTests
{
    private const string Qemu = "/usr/bin/qemu-system-x86_64";

    // Paused before the first instruction, no devices, no kernel: a QEMU that just sits there.
    private static readonly string[] Idle = ["-machine", "q35,accel=tcg", "-S", "-nodefaults", "-nographic", "-no-user-config", "-m", "128M"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static int Fd(SafePipeHandle handle) => (int)handle.DangerousGetHandle();

    [Fact]
    public async Task Qemu_gets_the_mapped_fds_at_3_and_4_and_nothing_else_of_ours()
    {
        using var directory = new TempDirectory();
        string marker = directory.File("marker", "not for QEMU");
        using FileDescriptor closeOnExec = Files.Open(marker, OpenFlags.ReadOnly);
        using FileDescriptor inheritable = FileDescriptor.Adopt(LibC.dup(closeOnExec.Number));
        using var a = new AnonymousPipeServerStream(PipeDirection.In);
        using var b = new AnonymousPipeServerStream(PipeDirection.Out);
        string aTarget = FdTable.Of(Environment.ProcessId)[Fd(a.ClientSafePipeHandle)];
        string bTarget = FdTable.Of(Environment.ProcessId)[Fd(b.ClientSafePipeHandle)];
        string log = Path.Combine(directory.Path, "sandbox.log");
        var ours = FdTable.Of(Environment.ProcessId).Values.Where(FdTable.IsIdentifying).Except([aTarget, bTarget, log]).ToHashSet();

        await using QemuProcess qemu = QemuLauncher.Start(new QemuLaunchSpec(Qemu, Idle, [new(a.ClientSafePipeHandle, 3), new(b.ClientSafePipeHandle, 4)], log));
        await qemu.EnsureRunningAsync(TimeSpan.FromMilliseconds(500), Cancellation);
        var table = FdTable.Of(qemu.Pid);

        Assert.Equal(aTarget, table[3]);
        Assert.Equal(bTarget, table[4]);
        Assert.Equal("/dev/null", table[0]);
        Assert.Equal(log, table[1]);
        Assert.Equal(log, table[2]);
        Assert.DoesNotContain(marker, table.Values);
        Assert.Empty(ours.Intersect(table.Values));
    }

    [Fact]
    public async Task An_invalid_argument_fails_the_start_with_qemus_stderr_and_leaves_no_process()
    {
        using var directory = new TempDirectory();
        string log = Path.Combine(directory.Path, "sandbox.log");

        await using QemuProcess qemu = QemuLauncher.Start(new QemuLaunchSpec(Qemu, ["-machine", "nosuchmachine", "-nodefaults", "-nographic"], [], log));
        var e = await Assert.ThrowsAsync<QemuStartException>(async () => await qemu.EnsureRunningAsync(TimeSpan.FromSeconds(30), Cancellation));

        Assert.Contains("unsupported machine type", e.Message);
        Assert.Contains("status 1", e.Message);
        Assert.Equal(1, e.ExitStatus);
        Assert.Contains("unsupported machine type", e.Stderr);
        Assert.Contains("unsupported machine type", await File.ReadAllTextAsync(log, Cancellation));
        Assert.False(Directory.Exists($"/proc/{qemu.Pid}"));
    }

    [Fact]
    public async Task Earlier_lines_of_the_sandbox_log_are_kept_but_not_reported_as_qemus()
    {
        using var directory = new TempDirectory();
        string log = directory.File("sandbox.log", "an earlier sandbox line\n");

        await using QemuProcess qemu = QemuLauncher.Start(new QemuLaunchSpec(Qemu, ["-machine", "nosuchmachine"], [], log));
        var e = await Assert.ThrowsAsync<QemuStartException>(async () => await qemu.EnsureRunningAsync(TimeSpan.FromSeconds(30), Cancellation));

        Assert.DoesNotContain("earlier", e.Message);
        string contents = await File.ReadAllTextAsync(log, Cancellation);
        Assert.StartsWith("an earlier sandbox line\n", contents);
        Assert.Contains("unsupported machine type", contents);
    }

    [Fact]
    public async Task A_failed_readiness_check_ends_qemu_and_names_the_cause()
    {
        using var directory = new TempDirectory();

        await using QemuProcess qemu = QemuLauncher.Start(new QemuLaunchSpec(Qemu, Idle, [], Path.Combine(directory.Path, "sandbox.log")));
        var e = await Assert.ThrowsAsync<QemuStartException>(async () => await qemu.EnsureRunningAsync(Task.FromException(new IOException("no QMP greeting")), Cancellation));

        Assert.IsType<IOException>(e.InnerException);
        Assert.Contains("did not become ready", e.Message);
        Assert.Equal(128 + Signals.SIGKILL, e.ExitStatus);
        Assert.False(Directory.Exists($"/proc/{qemu.Pid}"));
    }

    [Fact]
    public async Task Cancelling_the_start_ends_qemu()
    {
        using var directory = new TempDirectory();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        await using QemuProcess qemu = QemuLauncher.Start(new QemuLaunchSpec(Qemu, Idle, [], Path.Combine(directory.Path, "sandbox.log")));
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await qemu.EnsureRunningAsync(new TaskCompletionSource().Task, cancel.Token));

        Assert.True(qemu.Exited.IsCompleted);
        Assert.False(Directory.Exists($"/proc/{qemu.Pid}"));
    }

    [Fact]
    public async Task Stop_ends_qemu_with_SIGTERM()
    {
        using var directory = new TempDirectory();
        string log = Path.Combine(directory.Path, "sandbox.log");

        await using QemuProcess qemu = QemuLauncher.Start(new QemuLaunchSpec(Qemu, Idle, [], log));
        await qemu.EnsureRunningAsync(TimeSpan.FromMilliseconds(300), Cancellation);
        await qemu.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("terminating on signal 15", await File.ReadAllTextAsync(log, Cancellation));
        Assert.False(Directory.Exists($"/proc/{qemu.Pid}"));
    }

    [Fact]
    public async Task Stop_falls_back_to_SIGKILL_when_SIGTERM_is_ignored()
    {
        using var directory = new TempDirectory();

        // A stand-in that ignores SIGTERM; exec keeps the ignored disposition.
        await using QemuProcess stubborn = QemuLauncher.Start(new QemuLaunchSpec("/bin/sh", ["-c", "trap '' TERM; exec /bin/sleep 60"], [], Path.Combine(directory.Path, "sandbox.log")));
        await stubborn.EnsureRunningAsync(TimeSpan.FromMilliseconds(200), Cancellation);

        Assert.Equal(128 + Signals.SIGKILL, await stubborn.StopAsync(TimeSpan.FromMilliseconds(300)));
        Assert.False(Directory.Exists($"/proc/{stubborn.Pid}"));
    }

    [Fact]
    public async Task Disposing_a_running_qemu_leaves_no_process()
    {
        using var directory = new TempDirectory();
        QemuProcess qemu = QemuLauncher.Start(new QemuLaunchSpec(Qemu, Idle, [], Path.Combine(directory.Path, "sandbox.log")));

        await qemu.DisposeAsync();
        await qemu.DisposeAsync();

        Assert.False(Directory.Exists($"/proc/{qemu.Pid}"));
    }

    [Fact]
    public void A_missing_qemu_binary_is_named()
    {
        using var directory = new TempDirectory();

        var e = Assert.Throws<NativeException>(() => QemuLauncher.Start(new QemuLaunchSpec("/nonexistent/qemu-system-x86_64", Idle, [], Path.Combine(directory.Path, "sandbox.log"))));

        Assert.Contains("/nonexistent/qemu-system-x86_64", e.Message);
        Assert.Equal(Errnos.ENOENT, e.Errno);
    }
}
