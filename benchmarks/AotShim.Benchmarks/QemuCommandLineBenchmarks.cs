using AotShim.Kvm;
using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;
using AotShim.Shim.Hypervisor.Qemu;
using BenchmarkDotNet.Attributes;

namespace AotShim.Benchmarks;

/// <summary>What a sandbox start pays to turn the effective configuration into QEMU's argv (the seed's sandbox).</summary>
[MemoryDiagnoser]
public class QemuCommandLineBenchmarks
{
    private Configuration seed = null!;
    private SandboxFacts facts = null!;

    [GlobalSetup]
    public void Setup()
    {
        seed = ConfigLoader.Load(Repository.Fixture("seed-arm64-configuration.toml")).Configuration;
        facts = new SandboxFacts
        {
            Id = "be61181a717cd301631953a2ca74e93552079bd2f2663c2000b3b16b21054cf3",
            Uuid = Guid.Parse("86d1a4a6-94f8-4100-90a2-6060925af5d1"),
            Host = new HostFacts(HostArchitecture.Arm64, 96, 522535, RunningOnHypervisor: false, VhostNetAvailable: true),
            BootVcpus = 5,
            Agent = new VsockAgentChannel(4075435650, 3),
            Qmp = new QmpEndpoint(null, 3),
            ImageSizeBytes = 402653184,
            Networks = [new NetworkEndpoint("f6:0a:c8:66:36:f3", [9, 10, 11, 12, 13], [4, 5, 6, 7, 8])],
        };
        if (BuildSeedCommandLine().Arguments.Count < 60)
        {
            throw new InvalidOperationException("the seed command line is incomplete");
        }
    }

    [Benchmark]
    public QemuCommandLine BuildSeedCommandLine() => QemuCommandLineBuilder.Build(seed, facts);
}
