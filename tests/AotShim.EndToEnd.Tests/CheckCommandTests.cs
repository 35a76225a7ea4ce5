using System.Text.Json;

namespace AotShim.EndToEnd.Tests;

/// <summary>`ecr-runtime check --json` from the published binary reports this machine as it is.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public void Check_json_reports_the_real_host_state()
    {
        string config = Repo.Fixture("kata-3.4.0-configuration-qemu-amd64.toml");

        var (code, output, _) = BinaryRunner.Run(Repo.Binary("x64"), ["check", "--json", "--config", config], argv0Link: "ecr-runtime");

        using var document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        var checks = root.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        string Status(string name) => checks[name].GetProperty("status").GetString()!;

        Assert.Equal("x86_64", root.GetProperty("architecture").GetString());
        Assert.Equal("pass", Status("kvm.device"));
        Assert.Equal("12", checks["kvm.api_version"].GetProperty("value").GetString());
        Assert.Equal("pass", Status("kvm.create_vm"));
        // The fixture leaves [agent.kata] transport at auto: without vhost-vsock the agent goes over virtio-serial.
        Assert.Equal(File.Exists("/dev/vhost-vsock") ? "pass" : "warn", Status("device.vhost_vsock"));
        Assert.Equal("pass", Status("agent.transport"));
        Assert.Contains(File.Exists("/dev/vhost-vsock") ? "over vsock" : "over virtio-serial", checks["agent.transport"].GetProperty("reason").GetString());
        Assert.Equal(File.Exists("/dev/vhost-net") ? "pass" : "warn", Status("device.vhost_net"));
        Assert.Equal("pass", Status("device.tun"));
        Assert.Equal(File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1", checks["cgroup.version"].GetProperty("value").GetString());
        Assert.Equal(File.Exists(config) ? "pass" : "fail", Status("config.file"));
        Assert.Equal(File.Exists("/usr/bin/qemu-system-x86_64") ? "pass" : "fail", Status("config.path"));

        bool anyFailed = checks.Values.Any(c => c.GetProperty("status").GetString() == "fail");
        Assert.Equal(!anyFailed, root.GetProperty("ok").GetBoolean());
        Assert.Equal(anyFailed ? 1 : 0, code);
    }

    [Fact]
    public void Check_text_output_summarises_failures()
    {
        var (code, output, _) = BinaryRunner.Run(Repo.Binary("x64"), ["runtime", "check", "--verbose", "--config", Repo.Fixture("kata-3.4.0-configuration-qemu-amd64.toml")]);

        Assert.Contains("PASS  kvm.api_version: KVM_GET_API_VERSION is 12", output);
        Assert.Contains(code == 0 ? "System is capable of running sandboxes" : "System cannot run sandboxes", output);
    }
}
