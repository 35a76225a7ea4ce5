using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>Whatever ends a pod (a SIGKILLed shim, or twenty pods one after another), the host is left as it was found.</summary>
public sealed class PodCleanupTests : VmContainerdTests
{
    [Fact]
    public async Task KilledShimMidRun_ThenDelete_LeavesNoQemuTapFilterMountCgroupOrDirectory()
    {
        await using CniNetwork cni = await CniNetwork.CreateAsync();
        string config = VmTestConfig.Write(Config.Path, "x64", name: "killed", runtimeKeys: "internetworking_model = \"tcfilter\"\nsandbox_cgroup_only = true");
        string id = NewId("shimkill");
        await using CtrEvents events = await Ctr.StartEventsAsync();
        (await Ctr.RunContainerAsync(new CtrRun(Image, id, ["/bin/sleep", "1000"])
        {
            Detach = true,
            RuntimeConfigPath = config,
            ExtraArgs = ["--with-ns", "network:" + cni.PodNetnsPath],
        }, TestContext.Current.CancellationToken)).EnsureSuccess();
        CtrTask task = await Ctr.WaitForStatusAsync(id, "RUNNING");
        Assert.Contains("tap0_kata", await cni.InPodAsync("ip", "link", "show"));
        Assert.NotEmpty(SandboxCgroups(id));

        await KillShimThenDeleteAsync(id, events);

        await AssertNothingLeftAsync(id, task.Pid);
        Assert.DoesNotContain("_kata", await cni.InPodAsync("ip", "link", "show"));
        Assert.DoesNotContain("ingress", await cni.InPodAsync("tc", "qdisc", "show", "dev", "eth0"));
        Assert.Empty(SandboxCgroups(id));
        Assert.Empty(Containerd.Mounts());
    }

    [Fact]
    public async Task WithoutSandboxCgroupOnly_VcpuThreadsJoinThePodCgroupTheRestKataOverhead_AndAKilledShimLeavesNeither()
    {
        string config = VmTestConfig.Write(Config.Path, "x64", name: "overhead");
        string id = NewId("overhead");
        await using CtrEvents events = await Ctr.StartEventsAsync();
        (await Ctr.RunContainerAsync(new CtrRun(Image, id, ["/bin/sleep", "1000"]) { Detach = true, RuntimeConfigPath = config }, TestContext.Current.CancellationToken)).EnsureSuccess();
        CtrTask task = await Ctr.WaitForStatusAsync(id, "RUNNING");

        HostProcess qemu = Assert.Single(HostProcesses.All(), p => !p.IsDead && p.Argv.Contains("sandbox-" + id));
        // The boot vCPU thread is in the pod's cgroup (ctr's cgroupsPath /NAMESPACE/ID, kata's prefix on the leaf), as are
        // the I/O workers it started; QEMU's main thread and the rest are in the overhead one.
        int vcpu = Assert.Single(await LoggedVcpuThreadsAsync(qemu.Pid));
        Assert.EndsWith("/ecr_" + id, MemoryCgroup($"/proc/{qemu.Pid}/task/{vcpu}/cgroup"));
        Assert.Equal($"/kata_overhead/{id}", MemoryCgroup($"/proc/{qemu.Pid}/task/{qemu.Pid}/cgroup"));
        string[] threads = [.. Directory.GetDirectories($"/proc/{qemu.Pid}/task").Select(t => MemoryCgroup(t + "/cgroup"))];
        Assert.All(threads, path => Assert.True(path == $"/kata_overhead/{id}" || path.EndsWith("/ecr_" + id, StringComparison.Ordinal), path));

        await KillShimThenDeleteAsync(id, events);

        await AssertNothingLeftAsync(id, task.Pid);
        Assert.Empty(SandboxCgroups(id));
    }

    /// <summary>The task's path in the v1 memory hierarchy.</summary>
    private static string MemoryCgroup(string cgroupFile) =>
        File.ReadAllLines(cgroupFile).Select(line => line.Split(':', 3)).Single(parts => parts[1].Split(',').Contains("memory"))[2];

    [Fact]
    public async Task TwentyPodsInSequence_LeaveZeroMountsTapsFdsAndProcesses()
    {
        await using CniNetwork cni = await CniNetwork.CreateAsync();
        string config = VmTestConfig.Write(Config.Path, "x64", name: "twenty", runtimeKeys: "internetworking_model = \"tcfilter\"");
        var ids = new List<string>();
        await RunPodAsync(cni, config, ids);
        Footprint before = await Footprint.TakeAsync(cni, Containerd, ids);

        for (int i = 0; i < 20; i++)
        {
            await RunPodAsync(cni, config, ids);
        }

        Footprint after = await Footprint.TakeAsync(cni, Containerd, ids);
        Assert.Equal(before.Mounts, after.Mounts);
        Assert.Equal(before.PodLinks, after.PodLinks);
        Assert.Equal(before.PodQdiscs, after.PodQdiscs);
        Assert.True(after.ContainerdFds <= before.ContainerdFds, $"containerd's fds grew from {before.ContainerdFds} to {after.ContainerdFds}");
        Assert.Empty(after.PodProcesses);
        foreach (string id in ids)
        {
            Assert.Empty(VmBackend.Leftovers(id));
        }
    }

    private async Task RunPodAsync(CniNetwork cni, string config, List<string> ids)
    {
        string id = NewId("seq");
        ids.Add(id);
        CommandResult run = await Ctr.RunContainerAsync(new CtrRun(Image, id, ["/bin/sh", "-c", "ip -o -4 addr show dev eth0"])
        {
            Remove = true,
            RuntimeConfigPath = config,
            ExtraArgs = ["--with-ns", "network:" + cni.PodNetnsPath],
        }, TestContext.Current.CancellationToken);
        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains(cni.PodAddress, run.Stdout);
        await AssertNothingLeftAsync(id);
    }

    /// <summary>Cgroup directories named for the sandbox under any hierarchy.</summary>
    private static IReadOnlyList<string> SandboxCgroups(string id) =>
        Directory.EnumerateDirectories("/sys/fs/cgroup")
            .SelectMany(hierarchy => Directory.EnumerateDirectories(hierarchy, "*" + id + "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
            .ToList();

    /// <summary>What a leaking pod would add to: host mounts, the pod namespace's links and qdiscs, containerd's fds, pod processes.</summary>
    private sealed record Footprint(IReadOnlyList<string> Mounts, string PodLinks, string PodQdiscs, int ContainerdFds, IReadOnlyList<string> PodProcesses)
    {
        /// <summary>Mount points a pod could leave: containerd's tree and the sandbox roots (the machine's other mounts come and go with other work).</summary>
        private static readonly string[] PodMountRoots = ["/run/kata-containers", "/run/vc", "/run/containerd"];

        public static async Task<Footprint> TakeAsync(CniNetwork cni, PrivateContainerd containerd, IReadOnlyList<string> ids) => new(
            [.. PodMountRoots.Append(containerd.Directory).SelectMany(HostProcesses.MountsUnder)],
            await cni.InPodAsync("ip", "-o", "link", "show"),
            await cni.InPodAsync("tc", "qdisc", "show"),
            Directory.GetFiles($"/proc/{containerd.Pid}/fd").Length,
            HostProcesses.All()
                .Where(p => !p.IsDead && p.Pid != containerd.Pid && (p.References(containerd.Directory) || ids.Any(id => p.Argv.Contains("sandbox-" + id))))
                .Select(p => $"{p.Pid} {p.CommandLine}")
                .ToList());
    }
}
