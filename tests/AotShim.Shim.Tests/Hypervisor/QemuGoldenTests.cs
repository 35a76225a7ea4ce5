using AotShim.Kvm;
using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;
using AotShim.Shim.Hypervisor.Qemu;

namespace AotShim.Shim.Tests.Hypervisor;

/// <summary>The builder against argv recorded from kata: the seed's arm64 printout and kata 3.4.0's own x86/arm64 runs.</summary>
public sealed class QemuGoldenTests
{
    /// <summary>The seed's host facts, from the fixture's header.</summary>
    private static readonly SandboxFacts SeedFacts = new()
    {
        Id = "be61181a717cd301631953a2ca74e93552079bd2f2663c2000b3b16b21054cf3",
        Uuid = Guid.Parse("86d1a4a6-94f8-4100-90a2-6060925af5d1"),
        Host = new HostFacts(HostArchitecture.Arm64, Cpus: 96, MemoryMiB: 522535, RunningOnHypervisor: false, VhostNetAvailable: true),
        BootVcpus = 5,
        Agent = new VsockAgentChannel(4075435650, VhostFd: 3),
        Qmp = new QmpEndpoint("/run/vc/vm/be61181a717cd301631953a2ca74e93552079bd2f2663c2000b3b16b21054cf3/qmp.sock", null),
        ImageSizeBytes = 402653184,
        Networks = [new NetworkEndpoint("f6:0a:c8:66:36:f3", TapFds: [9, 10, 11, 12, 13], VhostFds: [4, 5, 6, 7, 8])],
        Daemonize = true,
    };

    /// <summary>Kata 3.4.0's recorded run: 2 host CPUs, 25129 MiB, a 4 MiB image, QMP on fd 3, run nested (disable-modern on x86).</summary>
    private static SandboxFacts KataFacts(HostArchitecture architecture, string uuid) => new()
    {
        Id = "6f1c0ffee0ddba11",
        Uuid = Guid.Parse(uuid),
        Host = new HostFacts(architecture, Cpus: 2, MemoryMiB: architecture == HostArchitecture.Arm64 ? 24105u : 25129u, RunningOnHypervisor: true, VhostNetAvailable: true),
        Agent = new VsockAgentChannel(1234567, VhostFd: 4),
        Qmp = new QmpEndpoint(null, 3),
        ImageSizeBytes = 4194304,
        ShareTag = "kataShared",
    };

    [Fact]
    public void The_seed_configuration_yields_every_option_group_of_the_seed_argv()
    {
        Configuration seed = ConfigLoader.Load(Repo.Fixture("seed-arm64-configuration.toml")).Configuration;
        ArgvFixture expected = ArgvFixture.Load(Repo.Fixture("seed-arm64-qemu.argv"));

        QemuCommandLine built = QemuCommandLineBuilder.Build(seed, SeedFacts);
        ArgvFixture actual = ArgvFixture.From(built.Binary, built.Arguments);

        Assert.Equal(expected.Binary, actual.Binary);
        // Two deliberate differences from the seed's (older kata) printout: kvm-pit is an x86 device, so arm64
        // gets no -global for it; and the image is mounted "ro" as kata 3.x does, not "rw".
        var skipped = new[] { ("-global", "kvm-pit.lost_tick_policy=discard") };
        AssertContainsGroups(expected.Groups.Where(g => g.Option != "-append" && !skipped.Contains(g)), actual.Groups);
        Assert.Empty(expected.KernelParameters.Where(p => p != "rw").Except(actual.KernelParameters));
        Assert.Contains("ro", actual.KernelParameters);
        Assert.Contains("agent.log=debug", actual.KernelParameters);
    }

    public static TheoryData<string, string, string, string> KataRuns => new()
    {
        { "kata-3.4.0-amd64-9p.qemu.args", "x64", "virtio-9p", "1e9ec109-cccb-46ab-8a66-d863643b649d" },
        { "kata-3.4.0-amd64-virtiofs.qemu.args", "x64", "virtio-fs", "e4dd26f5-5cdf-45cc-b013-5e4880a38402" },
        { "kata-3.4.0-arm64-virtiofs.qemu.args", "arm64", "virtio-fs", "b23bb43d-9c58-484a-84de-a433786020c8" },
    };

    [Theory]
    [MemberData(nameof(KataRuns))]
    public void Kata_3_4_configuration_yields_exactly_kata_3_4_argv(string fixture, string arch, string sharedFs, string uuid)
    {
        HostArchitecture architecture = arch == "arm64" ? HostArchitecture.Arm64 : HostArchitecture.X64;
        Configuration kata = ConfigLoader.Load(Repo.Fixture($"kata-3.4.0-configuration-qemu-{(arch == "arm64" ? "arm64" : "amd64")}.toml")).Configuration;
        kata = kata with { Hypervisor = kata.Hypervisor with { SharedFs = sharedFs } };
        ArgvFixture expected = ArgvFixture.Load(Repo.Fixture(fixture));

        QemuCommandLine built = QemuCommandLineBuilder.Build(kata, KataFacts(architecture, uuid));
        ArgvFixture actual = ArgvFixture.From(built.Binary, built.Arguments);

        Assert.Equal(expected.Binary, actual.Binary);
        var kvmPitOnArm = new[] { ("-global", "kvm-pit.lost_tick_policy=discard") };
        var expectedGroups = expected.Groups.Where(g => g.Option != "-append" && (architecture == HostArchitecture.X64 || !kvmPitOnArm.Contains(g))).ToList();
        AssertContainsGroups(expectedGroups, actual.Groups);
        AssertContainsGroups(actual.Groups.Where(g => g.Option != "-append"), expectedGroups);
        Assert.Equal(expected.KernelParameters, actual.KernelParameters);
    }

    /// <summary>Each expected group must be matched by a distinct actual group with the same option and the same comma-separated parts (a superset).</summary>
    private static void AssertContainsGroups(IEnumerable<(string Option, string Value)> expected, IReadOnlyList<(string Option, string Value)> actual)
    {
        var unused = actual.ToList();
        foreach (var (option, value) in expected)
        {
            HashSet<string> parts = ArgvFixture.Parts(value);
            int match = unused.FindIndex(g => g.Option == option && parts.IsSubsetOf(ArgvFixture.Parts(g.Value)));
            Assert.True(match >= 0, $"no group {option} {value} in:\n  " + string.Join("\n  ", actual.Where(g => g.Option == option).Select(g => $"{g.Option} {g.Value}")));
            unused.RemoveAt(match);
        }
    }
}
