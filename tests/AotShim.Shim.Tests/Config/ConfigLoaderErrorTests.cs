using AotShim.Shim.Config;

namespace AotShim.Shim.Tests.Config;

public sealed class ConfigLoaderErrorTests
{
    [Fact]
    public void A_syntax_error_reports_file_line_and_column()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", "[hypervisor.qemu]\nimage = \"/x.img\"\ndefault_vcpus = \n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(path)}:3:\d+: TOML syntax error", e.Message);
    }

    [Fact]
    public void An_unclosed_table_header_reports_its_line()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", "[runtime]\nenable_debug = true\n[hypervisor.qemu\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Contains($"{path}:3:", e.Message);
    }

    [Theory]
    [InlineData("default_vcpus = \"two\"", "[hypervisor.qemu] key 'default_vcpus'", "integer")]
    [InlineData("default_memory = -1", "[hypervisor.qemu] key 'default_memory'", "unsigned 32-bit integer")]
    [InlineData("enable_debug = \"yes\"", "[hypervisor.qemu] key 'enable_debug'", "boolean")]
    [InlineData("kernel_params = 3", "[hypervisor.qemu] key 'kernel_params'", "string")]
    [InlineData("pflashes = \"/a\"", "[hypervisor.qemu] key 'pflashes'", "array of strings")]
    public void A_wrong_type_names_the_key_and_the_expected_type(string line, string key, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.Qemu(line));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.StartsWith($"{path}:3:", e.Message);
        Assert.Contains(key, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_wrong_type_in_runtime_names_its_table()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.With(runtimeLines: "sandbox_cgroup_only = 1"));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Contains("[runtime] key 'sandbox_cgroup_only' has the wrong type: expected a boolean", e.Message);
    }

    [Fact]
    public void Unknown_keys_are_warnings_with_their_location_not_errors()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", ConfigText.With(qemuLines: "no_such_key = 1", agentLines: "mystery = true") + "[image]\nprovision = \"x\"\n");

        LoadedConfiguration loaded = ConfigLoader.Load(path);

        Assert.Contains($"{path}:3:1: unknown [hypervisor.qemu] key 'no_such_key' ignored", loaded.Warnings);
        Assert.Contains($"{path}:5:1: unknown [agent.kata] key 'mystery' ignored", loaded.Warnings);
        Assert.Contains(loaded.Warnings, w => w.Contains("unknown table [image] ignored"));
    }

    [Fact]
    public void Another_hypervisor_without_qemu_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        string path = dir.File("configuration.toml", "[hypervisor.clh]\npath = \"/usr/bin/cloud-hypervisor\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Contains("[hypervisor.clh] is not supported", e.Message);
    }

    [Fact]
    public void An_unreadable_file_names_it()
    {
        using var dir = new TempDirectory();

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(dir.Path));

        Assert.Contains($"cannot read configuration file {dir.Path}", e.Message);
    }
}
