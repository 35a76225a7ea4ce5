using Tomlyn;
using Tomlyn.Model;

namespace AotShim.EndToEnd.Tests;

/// <summary>`ecr-runtime env` from the published binaries prints every value of the seed file plus defaults.</summary>
public sealed class EnvCommandTests
{
    public static TheoryData<string, string?> Binaries => new()
    {
        { "x64", null },
        { "arm64", "/usr/bin/qemu-aarch64-static" },
    };

    [Theory]
    [MemberData(nameof(Binaries))]
    public void Env_prints_every_seed_value_and_the_defaults(string arch, string? emulator)
    {
        string seed = Repo.Fixture("seed-arm64-configuration.toml");

        var (code, output, error) = BinaryRunner.Run(Repo.Binary(arch), ["env", "--config", seed], argv0Link: "ecr-runtime", emulator: emulator);

        Assert.True(code == 0, error);
        TomlTable expected = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(seed))!;
        TomlTable actual = TomlSerializer.Deserialize<TomlTable>(output)!;
        int compared = 0;
        foreach (string section in new[] { "hypervisor.qemu", "agent.kata", "runtime", "factory" })
        {
            TomlTable printed = TomlValues.Table(actual, section);
            foreach (var (key, value) in TomlValues.Table(expected, section))
            {
                Assert.True(printed.ContainsKey(key), $"[{section}] {key} is not printed");
                Assert.Equal($"{key} = {TomlValues.Canonical(value)}", $"{key} = {TomlValues.Canonical(printed[key])}");
                compared++;
            }
        }

        Assert.True(compared > 40, $"only {compared} keys compared");
        Assert.Equal("10", TomlValues.Canonical(TomlValues.Table(actual, "hypervisor.qemu")["memory_slots"]));
        Assert.Equal("8192", TomlValues.Canonical(TomlValues.Table(actual, "hypervisor.qemu")["msize_9p"]));
        Assert.Equal("\"/run/vc/vm/template\"", TomlValues.Canonical(TomlValues.Table(actual, "factory")["template_path"]));
        Assert.Equal("\"/var/run/kata-containers/cache.sock\"", TomlValues.Canonical(TomlValues.Table(actual, "factory")["vm_cache_endpoint"]));
        Assert.Contains(arch == "arm64" ? "aarch64" : "x86_64", output.Split('\n')[0]);
    }

    [Fact]
    public void Arm64_version_runs_under_qemu_user()
    {
        var (code, output, error) = BinaryRunner.Run(Repo.Binary("arm64"), ["runtime", "version", "--json"], emulator: "/usr/bin/qemu-aarch64-static");

        Assert.True(code == 0, error);
        Assert.Contains("\"architecture\": \"aarch64\"", output);
    }
}
