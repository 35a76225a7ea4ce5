using AotShim.Shim.Hypervisor;

namespace AotShim.Shim.Tests.Hypervisor;

public sealed class HostFactsProbeTests
{
    [Fact]
    public void Facts_come_from_meminfo_cpuinfo_and_dev()
    {
        using var dir = new TempDirectory();
        dir.File("proc/meminfo", "MemTotal:       25732096 kB\nMemFree: 1 kB\n");
        dir.File("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu lm hypervisor sse4_1\n");
        dir.File("dev/vhost-net", "");

        HostFacts facts = HostFactsProbe.Detect(Path.Combine(dir.Path, "proc"), Path.Combine(dir.Path, "dev"));

        Assert.Equal(25129ul, facts.MemoryMiB);
        Assert.Equal((uint)Environment.ProcessorCount, facts.Cpus);
        Assert.True(facts.VhostNetAvailable);
        Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64, facts.RunningOnHypervisor);
    }

    [Fact]
    public void This_host_reports_its_real_memory_and_vhost_state()
    {
        HostFacts facts = HostFactsProbe.Detect();

        Assert.True(facts.MemoryMiB > 256);
        Assert.Equal(File.Exists("/dev/vhost-net"), facts.VhostNetAvailable);
    }
}
