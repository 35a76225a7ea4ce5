using AotShim.Testing;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>A kata-style configuration.toml for the test guest under QEMU TCG, written into a test's directory.</summary>
internal static class VmTestConfig
{
    /// <summary>No network: what tests that need none use.</summary>
    public const string NoNetwork = "internetworking_model = \"none\"\ndisable_new_netns = true";

    /// <summary>
    /// Writes configuration-NAME.toml; <paramref name="agentKeys"/> replaces the [agent.kata] keys (e.g. "dial_timeout = 1"),
    /// <paramref name="runtimeKeys"/> the [runtime] ones; <paramref name="hypervisorKeys"/> are added to [hypervisor.qemu].
    /// </summary>
    public static string Write(string directory, string arch, string agentKeys = "dial_timeout = 90", string? name = null, string sharedFs = "shared_fs = \"virtio-9p\"",
        string hypervisorKeys = "", string runtimeKeys = NoNetwork)
    {
        string guest = Repo.Guest(arch);
        bool arm = arch == "arm64";
        string kernel = Path.Combine(guest, arm ? "vmlinuz" : "vmlinux");
        string path = Path.Combine(directory, $"configuration-{name ?? arch}.toml");
        File.WriteAllText(path, $"""
            [hypervisor.qemu]
            path = "{(arm ? "/usr/bin/qemu-system-aarch64" : "/usr/bin/qemu-system-x86_64")}"
            kernel = "{kernel}"
            initrd = "{Path.Combine(guest, "initrd.img")}"
            machine_type = "{(arm ? "virt" : "q35")}"
            accelerator = "tcg"
            {sharedFs}
            default_vcpus = 1
            default_memory = 512
            block_device_driver = "virtio-blk"
            disable_vhost_net = true
            {hypervisorKeys}

            [agent.kata]
            {agentKeys}

            [runtime]
            {runtimeKeys}
            """);
        return path;
    }
}
