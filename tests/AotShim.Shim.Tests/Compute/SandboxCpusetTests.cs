using Process = System.Diagnostics.Process;
using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Compute;

namespace AotShim.Shim.Tests.Compute;

/// <summary>
/// The sandbox cgroup confined to the union of its containers' cpusets, on this host's real v1 cpuset hierarchy: a
/// process inside is allowed exactly those CPUs, and the parent's come back when no container names any.
/// </summary>
public sealed class SandboxCpusetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_cgroup_follows_the_union_of_the_containers_cpusets_and_gets_the_parents_back()
    {
        (int first, int second) = TwoHostCpus();
        await using var sandbox = await SandboxWithSleeperAsync();
        var cpuset = new SandboxCpuset(sandbox.Cgroup);

        cpuset.Apply("a", Cpus($"{second}"));
        Assert.Equal($"{second}", sandbox.AllowedCpus());

        cpuset.Apply("b", Cpus($"{first}"));
        Assert.Equal(CpuList.Format([first, second]), sandbox.AllowedCpus());

        cpuset.Apply("c", new LinuxResources { CPU = new LinuxCPU { Quota = 50000, Period = 100000 } });
        cpuset.Apply("b", Cpus(""));
        Assert.Equal(CpuList.Format([first, second]), sandbox.AllowedCpus());

        cpuset.Remove("b");
        Assert.Equal($"{second}", sandbox.AllowedCpus());
        Assert.Equal(($"{second}", ""), cpuset.Applied);

        cpuset.Remove("a");
        Assert.Equal(sandbox.ParentCpus(), sandbox.AllowedCpus());
        Assert.Equal(("", ""), cpuset.Applied);
    }

    [Fact]
    public async Task Memory_nodes_are_confined_as_cpus_are()
    {
        await using var sandbox = await SandboxWithSleeperAsync();
        var cpuset = new SandboxCpuset(sandbox.Cgroup);

        cpuset.Apply("a", new LinuxResources { CPU = new LinuxCPU { Mems = "0" } });

        Assert.Equal("0", sandbox.Read("cpuset.mems"));
        Assert.Equal(sandbox.ParentCpus(), sandbox.Read("cpuset.cpus"));
        Assert.Equal(("", "0"), cpuset.Applied);
    }

    [Fact]
    public async Task A_cpu_the_host_lacks_fails_naming_the_container_and_the_file_and_changes_nothing()
    {
        (_, int second) = TwoHostCpus();
        await using var sandbox = await SandboxWithSleeperAsync();
        var cpuset = new SandboxCpuset(sandbox.Cgroup);
        cpuset.Apply("a", Cpus($"{second}"));

        var e = Assert.Throws<ArgumentException>(() => cpuset.Apply("b", Cpus("4000")));

        Assert.StartsWith($"container b: confining the sandbox to CPUs \"{second},4000\", memory nodes \"\": sandbox cgroup ", e.Message);
        Assert.Contains("/cpuset.cpus: writing", e.Message);
        Assert.Equal($"{second}", sandbox.AllowedCpus());
        cpuset.Remove("b");
        Assert.Equal(($"{second}", ""), cpuset.Applied);
    }

    [Fact]
    public async Task A_malformed_list_names_the_container_and_the_field()
    {
        await using var sandbox = await SandboxWithSleeperAsync();
        var cpuset = new SandboxCpuset(sandbox.Cgroup);

        var e = Assert.Throws<ArgumentException>(() => cpuset.Apply("web", new LinuxResources { CPU = new LinuxCPU { Mems = "1-0" } }));

        Assert.Equal("container web: linux.resources.cpu.mems: CPU list \"1-0\": range 1-0 runs backwards", e.Message);
        Assert.Equal(sandbox.ParentCpus(), sandbox.AllowedCpus());
    }

    private static LinuxResources Cpus(string cpus) => new() { CPU = new LinuxCPU { Cpus = cpus } };

    private static (int First, int Second) TwoHostCpus()
    {
        int[] cpus = [.. CpuList.Parse(File.ReadAllText(CpusetRoot() + "/cpuset.cpus"))];
        Assert.True(cpus.Length >= 2, "the test needs two CPUs in the root cpuset");
        return (cpus[0], cpus[1]);
    }

    private static string CpusetRoot() =>
        Assert.Single(CgroupHierarchy.Mounted(), h => h.Controllers.Contains("cpuset")).MountPoint;

    private static async Task<Sandbox> SandboxWithSleeperAsync()
    {
        SandboxCgroup cgroup = await SandboxCgroup.CreateAsync("ecr-test-" + Guid.NewGuid().ToString("N")[..12], null);
        Process sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        cgroup.AddProcess(sleeper.Id);
        return new Sandbox(cgroup, sleeper);
    }

    private sealed record Sandbox(SandboxCgroup Cgroup, Process Sleeper) : IAsyncDisposable
    {
        public string AllowedCpus() =>
            File.ReadAllLines($"/proc/{Sleeper.Id}/status").Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();

        public string Read(string file) => File.ReadAllText(Path.Combine(CpusetRoot() + Cgroup.Path, file)).Trim();

        public string ParentCpus() => File.ReadAllText(Path.Combine(Path.GetDirectoryName(CpusetRoot() + Cgroup.Path)!, "cpuset.cpus")).Trim();

        public async ValueTask DisposeAsync()
        {
            Sleeper.Kill();
            await Sleeper.WaitForExitAsync(Ct);
            Sleeper.Dispose();
            await Cgroup.RemoveAsync(Ct);
        }
    }
}
