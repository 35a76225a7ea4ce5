using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>
/// A container's CPU quota and memory limit grow its pod's VM: by hotplug after boot, or, with
/// static_sandbox_resource_mgmt, by sizing the VM at boot from the sandbox annotations. `ctr task metrics` reads the
/// container's guest cgroup back.
/// </summary>
public sealed class PodComputeTests : VmContainerdTests
{
    private const string Room = "default_maxvcpus = 4\ndefault_maxmemory = 2048\nmemory_slots = 4";
    private const string Probe = "nproc; sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo";

    [Fact]
    public async Task QuotaAndLimit_HotplugTwoVcpusAndTheMemory()
    {
        string id = NewId("hotplug");
        string config = VmTestConfig.Write(Config.Path, "x64", name: "hotplug", hypervisorKeys: Room);

        CommandResult run = await Ctr.RunContainerAsync(new CtrRun(Image, id, ["/bin/sh", "-c", Probe])
        {
            Remove = true,
            RuntimeConfigPath = config,
            ExtraArgs = ["--cpu-quota", "200000", "--cpu-period", "100000", "--memory-limit", (256L << 20).ToString()],
        }, TestContext.Current.CancellationToken);

        Assert.True(run.Succeeded, run.ToString());
        (int cpus, long memoryKiB) = Parse(run.Stdout);
        Assert.Equal(3, cpus);
        Assert.True(memoryKiB > 512 * 1024, $"MemTotal {memoryKiB} kB: the 256 MiB did not arrive on top of the 512 MiB boot memory");
        Assert.Contains($"container {id}: hotplugged the VM to 3 vCPUs and 768 MiB (query-cpus-fast: 3 vCPUs, query-memory-devices: 1 DIMMs)", Containerd.ReadLog());
        await AssertNothingLeftAsync(id);
    }

    [Fact]
    public async Task StaticMode_SizesTheVmAtBootFromTheSandboxAnnotations()
    {
        string id = NewId("static");
        await RunStaticSleeperAsync(id,
            "--annotation", "io.kubernetes.cri.container-type=sandbox",
            "--annotation", "io.kubernetes.cri.sandbox-cpu-quota=200000",
            "--annotation", "io.kubernetes.cri.sandbox-cpu-period=100000",
            "--annotation", $"io.kubernetes.cri.sandbox-memory={256L << 20}");

        HostProcess qemu = Assert.Single(HostProcesses.All(), p => !p.IsDead && p.Argv.Contains("sandbox-" + id));
        Assert.StartsWith("3,", qemu.Argv[qemu.Argv.ToList().IndexOf("-smp") + 1]);
        Assert.StartsWith("768M,", qemu.Argv[qemu.Argv.ToList().IndexOf("-m") + 1]);
        CommandResult probe = await Ctr.ExecAsync(id, "probe", "/bin/sh", "-c", Probe);
        Assert.True(probe.Succeeded, probe.ToString());
        Assert.Equal(3, Parse(probe.Stdout).Cpus);
        Assert.DoesNotContain("hotplugged", Containerd.ReadLog());
        await KillAndRemoveAsync(id);
    }

    [Fact]
    public async Task TaskMetrics_ReportTheGuestCgroupsUsageLimitAndPids()
    {
        string id = NewId("metrics");
        await RunStaticSleeperAsync(id, "--memory-limit", (256L << 20).ToString());

        CommandResult metrics = await Ctr.RunAsync("task", "metrics", id);

        Assert.True(metrics.Succeeded, metrics.ToString());
        Dictionary<string, string> values = metrics.Stdout.Split('\n')
            .Select(line => line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2 && pair[0].Contains('.'))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.Equal((256L << 20).ToString(), values["memory.limit_in_bytes"]);
        Assert.True(ulong.Parse(values["memory.usage_in_bytes"]) > 0, metrics.Stdout);
        Assert.True(ulong.Parse(values["cpuacct.usage"]) > 0, metrics.Stdout);
        Assert.Equal("1", values["pids.current"]);
        await KillAndRemoveAsync(id);
    }

    [Fact]
    public async Task A_containers_cpuset_confines_the_pods_vcpu_threads_on_the_host_and_not_the_guest()
    {
        string id = NewId("cpuset");
        string cpusetRoot = Directory.GetDirectories("/sys/fs/cgroup").Single(d => File.Exists(d + "/cpuset.cpus") && !Directory.Exists(d + "/cgroup.controllers"));
        int[] host = [.. ParseCpus(File.ReadAllText(cpusetRoot + "/cpuset.cpus"))];
        Assert.True(host.Length >= 2, "the test needs two host CPUs");
        string pinned = host[^1].ToString();
        string spec = await WriteSpecAsync(id, ["/bin/busybox", "sleep", "1000"], spec =>
        {
            spec["linux"]!["cgroupsPath"] = $"/{id}-pod/{id}";
            spec["linux"]!["resources"]!["cpu"] = new System.Text.Json.Nodes.JsonObject { ["cpus"] = pinned };
        });

        (await Ctr.RunContainerAsync(new CtrRun("", id, []) { Detach = true, SpecFile = spec }, TestContext.Current.CancellationToken)).EnsureSuccess();
        await Ctr.WaitForStatusAsync(id, "RUNNING");

        Assert.Equal(pinned, File.ReadAllText($"{cpusetRoot}/{id}-pod/ecr_{id}/cpuset.cpus").Trim());
        HostProcess qemu = Assert.Single(HostProcesses.All(), p => !p.IsDead && p.Argv.Contains("sandbox-" + id));
        // kata's default split: the vCPU threads (the boot one, and one more for the cpuset's one CPU) are in the pod's
        // cgroup and pinned; QEMU's main thread is not.
        int[] vcpus = await LoggedVcpuThreadsAsync(qemu.Pid);
        Assert.Equal(2, vcpus.Length);
        Assert.All(vcpus, tid => Assert.Equal(($"/{id}-pod/ecr_{id}", pinned), (CpusetCgroup($"/proc/{qemu.Pid}/task/{tid}"), AllowedCpus($"/proc/{qemu.Pid}/task/{tid}"))));
        // The cpuset names host CPUs: inside the guest the container may use both of the VM's vCPUs.
        CommandResult guest = await Ctr.ExecAsync(id, "cpus", "/bin/busybox", "sh", "-c", "sed -n 's/^Cpus_allowed_list:\\t//p' /proc/self/status; nproc");
        Assert.Equal("0-1\n2\n", guest.EnsureSuccess().Stdout);
        string main = $"/proc/{qemu.Pid}/task/{qemu.Pid}";
        Assert.Equal($"/kata_overhead/{id}", CpusetCgroup(main));
        Assert.Equal(host, ParseCpus(AllowedCpus(main)));
        await KillAndRemoveAsync(id);
        Assert.False(Directory.Exists($"{cpusetRoot}/{id}-pod"));
    }

    [Fact]
    public async Task A_cpuset_naming_a_cpu_the_host_lacks_fails_the_run_naming_the_container_and_leaves_nothing()
    {
        string id = NewId("badcpus");
        string spec = await WriteSpecAsync(id, ["/bin/busybox", "true"], spec =>
        {
            spec["linux"]!["cgroupsPath"] = $"/{id}-pod/{id}";
            spec["linux"]!["resources"]!["cpu"] = new System.Text.Json.Nodes.JsonObject { ["cpus"] = "4000" };
        });

        CommandResult run = await Ctr.RunContainerAsync(new CtrRun("", id, []) { Remove = true, SpecFile = spec }, TestContext.Current.CancellationToken);

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains($"container {id}: confining the sandbox to CPUs \"4000\"", run.Stderr);
        Assert.Contains("cpuset.cpus: writing \"4000\"", run.Stderr);
        await Ctr.TaskDeleteAsync(id);
        await Ctr.ContainerRmAsync(id);
        await AssertNothingLeftAsync(id);
        Assert.DoesNotContain(Directory.GetDirectories("/sys/fs/cgroup"), hierarchy => Directory.Exists($"{hierarchy}/{id}-pod"));
    }

    private static string CpusetCgroup(string task) =>
        File.ReadAllLines(task + "/cgroup").Select(line => line.Split(':', 3)).Single(parts => parts[1].Split(',').Contains("cpuset"))[2];

    private static string AllowedCpus(string task) =>
        File.ReadAllLines(task + "/status").Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();

    private static IEnumerable<int> ParseCpus(string list) =>
        list.Trim().Split(',').SelectMany(part => part.Split('-') is [var first, var last]
            ? Enumerable.Range(int.Parse(first), int.Parse(last) - int.Parse(first) + 1)
            : [int.Parse(part)]);

    /// <summary>A detached `sleep 1000` in a statically sized VM (no hotplug), running when this returns.</summary>
    private async Task RunStaticSleeperAsync(string id, params string[] ctrArgs)
    {
        string config = VmTestConfig.Write(Config.Path, "x64", name: id, hypervisorKeys: Room, runtimeKeys: VmTestConfig.NoNetwork + "\nstatic_sandbox_resource_mgmt = true");
        (await Ctr.RunContainerAsync(new CtrRun(Image, id, ["/bin/sleep", "1000"])
        {
            Detach = true,
            RuntimeConfigPath = config,
            ExtraArgs = ctrArgs,
        }, TestContext.Current.CancellationToken)).EnsureSuccess();
        await Ctr.WaitForStatusAsync(id, "RUNNING");
    }

    private static (int Cpus, long MemoryKiB) Parse(string output)
    {
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(lines[0]), long.Parse(lines[1]));
    }
}
