using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>
/// The product shim, io.containerd.ecr.v2, end to end: containerd -> shim -> QEMU (TCG) -> test guest kernel -> guest
/// agent -> container. Runs every lifecycle test of the base class in a real VM, plus what only a VM can show.
/// </summary>
public sealed class VmShimTests : ShimLifecycleTests
{
    private readonly TempDirectory _config = new();

    protected override string Runtime => VmBackend.Runtime;

    protected override string? ShimBinary => Repo.Binary("x64");

    protected override bool PsListsContainerProcesses => false;

    protected override PrivateContainerdOptions ContainerdOptions() => base.ContainerdOptions() with
    {
        Environment = new Dictionary<string, string> { ["ECR_CONF_FILE"] = VmTestConfig.Write(_config.Path, "x64") },
    };

    protected override void CheckPrerequisites()
    {
        base.CheckPrerequisites();
        VmBackend.CheckPrerequisites();
    }

    protected override IEnumerable<string> BackendLeftovers(string id) => VmBackend.Leftovers(id);

    [Fact]
    public async Task UnameR_PrintsTheGuestKernelsReleaseNotTheHosts()
    {
        string id = NewId("uname");
        string guestRelease = GuestEnv("x64", "ECR_GUEST_KERNEL_RELEASE");

        CommandResult run = await Ctr.RunRmAsync(Image, id, "uname", "-r");

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(guestRelease, run.Stdout.Trim());
        Assert.NotEqual(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), run.Stdout.Trim());
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task Stdin_ReachesTheProcessAndItsEofEndsIt()
    {
        string id = NewId("stdin");

        CommandResult run = await Ctr.RunContainerAsync(new CtrRun(Image, id, ["cat"]) { Remove = true, Stdin = "hi\nthere\n" }, TestContext.Current.CancellationToken);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("hi\nthere\n", run.Stdout);
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task TwoContainers_ShareOnePodVm()
    {
        string pod = NewId("pod");
        string member = NewId("member");
        (await Ctr.RunContainerAsync(new CtrRun(Image, pod, ["/bin/sh", "-c", "cat /proc/sys/kernel/random/boot_id > /tmp/boot; exec sleep 1000"])
        {
            Detach = true,
            ExtraArgs = ["--annotation", "io.kubernetes.cri.container-type=sandbox"],
        }, TestContext.Current.CancellationToken)).EnsureSuccess();
        await Ctr.WaitForStatusAsync(pod, "RUNNING");
        CommandResult podBoot = await Ctr.ExecAsync(pod, "boot", "/bin/sh", "-c", "sleep 0.2; cat /tmp/boot");

        CommandResult memberBoot = await Ctr.RunContainerAsync(new CtrRun(Image, member, ["cat", "/proc/sys/kernel/random/boot_id"])
        {
            Remove = true,
            ExtraArgs = ["--annotation", "io.kubernetes.cri.container-type=container", "--annotation", "io.kubernetes.cri.sandbox-id=" + pod],
        }, TestContext.Current.CancellationToken);

        Assert.True(memberBoot.Succeeded, memberBoot.ToString());
        Assert.Equal(podBoot.Stdout.Trim(), memberBoot.Stdout.Trim());
        Assert.Single(HostProcesses.All(), p => !p.IsDead && p.Argv.Contains("sandbox-" + pod));
        await KillAndRemoveAsync(pod);
    }

    [Fact]
    public async Task AnAgentThatNeverAnswers_FailsCreateAtDialTimeoutAndLeavesNothing()
    {
        string id = NewId("noagent");
        string config = VmTestConfig.Write(_config.Path, "x64", "dial_timeout = 1", name: "short-dial");

        CommandResult run = await Ctr.RunContainerAsync(new CtrRun(Image, id, ["true"]) { Remove = true, RuntimeConfigPath = config }, TestContext.Current.CancellationToken);

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains("no answer within dial_timeout 1 s", run.Stderr);
        await Ctr.ContainerRmAsync(id);
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task QemuKilledMidRun_GivesTaskExitAndDeleteLeavesNothing()
    {
        string id = NewId("qemukill");
        await using CtrEvents events = await Ctr.StartEventsAsync();
        (await Ctr.RunDetachedAsync(Image, id, "/bin/sleep", "1000")).EnsureSuccess();
        CtrTask task = await Ctr.WaitForStatusAsync(id, "RUNNING");
        HostProcess qemu = Assert.Single(HostProcesses.All(), p => !p.IsDead && p.Argv.Contains("sandbox-" + id));
        Assert.Equal(qemu.Pid, task.Pid);

        HostProcesses.Signal(qemu.Pid, HostProcesses.SIGKILL);

        Assert.Equal(255, (await events.WaitForAsync("/tasks/exit", id)).ExitStatus);
        await Ctr.WaitForStatusAsync(id, "STOPPED");
        (await Ctr.TaskDeleteAsync(id)).EnsureSuccess();
        (await Ctr.ContainerRmAsync(id)).EnsureSuccess();
        await AssertNothingLeftAsync(id, task.Pid);
    }

    [Fact]
    public async Task AnAgentError_FailsTheRunWithItsMessageAndLeavesNothing()
    {
        string id = NewId("agenterr");

        CommandResult run = await Ctr.RunRmAsync(Image, id, "/no/such/program");

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains("/no/such/program", run.Stdout + run.Stderr);
        await Ctr.TaskDeleteAsync(id);
        await Ctr.ContainerRmAsync(id);
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task VirtioFs_SharesTheRootfsThroughVirtiofsdWhichGoesAwayWithThePod()
    {
        const string Daemon = "/usr/lib/qemu/virtiofsd";
        Assert.True(File.Exists(Daemon), $"{Daemon} is missing: apt-get install qemu-system-common (./build.sh test installs it)");
        string id = NewId("virtiofs");
        string config = VmTestConfig.Write(_config.Path, "x64", name: "virtiofs",
            sharedFs: $"shared_fs = \"virtio-fs\"\nvirtio_fs_daemon = \"{Daemon}\"\nvirtio_fs_cache = \"auto\"");

        CommandResult run = await Ctr.RunContainerAsync(
            new CtrRun(Image, id, ["/bin/sh", "-c", "grep ' virtiofs ' /proc/mounts | wc -l; echo written > /tmp/f; cat /tmp/f"]) { Remove = true, RuntimeConfigPath = config },
            TestContext.Current.CancellationToken);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("written", run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        await AssertNothingLeftAsync(id);
        Assert.DoesNotContain(HostProcesses.All(), p => !p.IsDead && p.Name == "virtiofsd" && p.CommandLine.Contains(id, StringComparison.Ordinal));
    }

    /// <summary>The arm64 guest (qemu-system-aarch64 virt under TCG, arm64 kernel and agent) on this host; its rootfs is an arm64 busybox directory (`ctr run --rootfs`).</summary>
    [Fact]
    public async Task UnameM_InTheArm64GuestIsAarch64()
    {
        Assert.True(File.Exists("/usr/bin/qemu-system-aarch64"), "/usr/bin/qemu-system-aarch64 is missing: apt-get install qemu-system-arm (./build.sh test installs it)");
        string id = NewId("arm64");
        string config = VmTestConfig.Write(_config.Path, "arm64");
        string rootfs = Path.Combine(_config.Path, "arm64-rootfs");
        foreach (string directory in new[] { "bin", "proc", "sys", "dev", "tmp", "etc" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, directory));
        }

        File.Copy(Path.Combine(Repo.Guest("arm64"), "busybox"), Path.Combine(rootfs, "bin", "busybox"));

        CommandResult run = await Ctr.RunContainerAsync(
            new CtrRun(rootfs, id, ["/bin/busybox", "uname", "-m"]) { Remove = true, RuntimeConfigPath = config, ExtraArgs = ["--rootfs"], Timeout = TimeSpan.FromMinutes(3) },
            TestContext.Current.CancellationToken);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("aarch64", run.Stdout.Trim());
        await AssertNothingLeftAsync(id);
    }

    private static string GuestEnv(string arch, string key)
    {
        foreach (string line in File.ReadLines(Path.Combine(Repo.Guest(arch), "guest.env")))
        {
            if (line.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return line[(key.Length + 1)..].Trim('\'');
            }
        }

        throw new InvalidDataException($"{key} is not in {Repo.Guest(arch)}/guest.env");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _config.Dispose();
    }
}
