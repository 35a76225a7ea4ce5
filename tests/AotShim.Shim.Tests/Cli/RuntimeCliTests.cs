using System.Text.Json;
using AotShim.Shim.Cli;

namespace AotShim.Shim.Tests.Cli;

public sealed class RuntimeCliTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = RuntimeCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("env", "Usage: ecr-runtime env")]
    [InlineData("check", "Usage: ecr-runtime check")]
    [InlineData("version", "Usage: ecr-runtime version")]
    public void Every_command_has_help(string command, string usage)
    {
        var (code, output, _) = Run(command, "--help");

        Assert.Equal(0, code);
        Assert.StartsWith(usage, output);
    }

    [Fact]
    public void No_command_prints_usage_and_fails()
    {
        var (code, output, _) = Run();

        Assert.Equal(2, code);
        Assert.Contains("Commands:", output);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "env", "--bogus" }, "env: unknown argument '--bogus'")]
    [InlineData(new[] { "env", "--config" }, "env: --config needs a file")]
    [InlineData(new[] { "version", "--config", "x" }, "version: unknown argument '--config'")]
    public void Usage_errors_exit_2_and_name_the_argument(string[] args, string message)
    {
        var (code, _, error) = Run(args);

        Assert.Equal(2, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public void Env_json_carries_the_file_and_every_section()
    {
        string seed = Repo.Fixture("seed-arm64-configuration.toml");

        var (code, output, _) = Run("env", "--json", "--config", seed);

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        Assert.Equal(seed, root.GetProperty("config_files")[0].GetString());
        Assert.Equal("ShimOption", root.GetProperty("config_source").GetString());
        JsonElement qemu = root.GetProperty("config").GetProperty("hypervisor").GetProperty("qemu");
        Assert.Equal("/opt/ecr/bin/qemu-system-aarch64", qemu.GetProperty("path").GetString());
        Assert.Equal(10, qemu.GetProperty("memory_slots").GetInt32());
        Assert.True(root.GetProperty("config").GetProperty("agent").GetProperty("kata").GetProperty("debug_console_enabled").GetBoolean());
        Assert.True(root.GetProperty("config").GetProperty("runtime").GetProperty("sandbox_cgroup_only").GetBoolean());
        Assert.Equal("/run/vc/vm/template", root.GetProperty("config").GetProperty("factory").GetProperty("template_path").GetString());
    }

    [Fact]
    public void Env_reports_a_broken_file_with_its_location_and_exit_1()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", "[hypervisor.qemu]\ndefault_vcpus = \"x\"\n");

        var (code, _, error) = Run("env", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains($"{path}:2:", error);
        Assert.Contains("default_vcpus", error);
    }

    [Fact]
    public void Env_prints_unknown_keys_as_warnings_on_stderr()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.Qemu("mystery_knob = 1"));

        var (code, output, error) = Run("env", "--config", path);

        Assert.Equal(0, code);
        Assert.Contains("warning: " + path + ":3:1: unknown [hypervisor.qemu] key 'mystery_knob' ignored", error);
        Assert.DoesNotContain("mystery_knob", output);
    }

    [Fact]
    public void Check_fails_for_configured_files_that_do_not_exist()
    {
        var (code, output, _) = Run("check", "--json", "--config", Repo.Fixture("seed-arm64-configuration.toml"));

        Assert.Equal(1, code);
        using var document = JsonDocument.Parse(output);
        var checks = document.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("pass", checks["config.file"]);
        Assert.Equal("fail", checks["config.path"]);
        Assert.Equal("fail", checks["config.kernel"]);
    }
}
