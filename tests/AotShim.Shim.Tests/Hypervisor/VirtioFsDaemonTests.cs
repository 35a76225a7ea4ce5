using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;

namespace AotShim.Shim.Tests.Hypervisor;

public sealed class VirtioFsDaemonTests
{
    [Fact]
    public void Arguments_are_kata_s_with_the_cache_mode_mapped_and_the_users_extra_args_last()
    {
        var h = new QemuConfig { VirtioFsCache = "never", VirtioFsExtraArgs = ["--thread-pool-size=1"] };

        IReadOnlyList<string> args = VirtioFsDaemon.Arguments(h, "/run/kata-containers/shared/sandboxes/p/shared", hasSyslog: true);

        Assert.Equal(["--syslog", "-o", "cache=none", "-o", "no_posix_lock", "-o", "source=/run/kata-containers/shared/sandboxes/p/shared", "--fd=3", "--thread-pool-size=1"], args);
    }

    [Fact]
    public void Without_a_syslog_socket_the_daemon_logs_to_its_output()
    {
        IReadOnlyList<string> args = VirtioFsDaemon.Arguments(new QemuConfig { VirtioFsCache = "auto" }, "/s", hasSyslog: false);

        Assert.DoesNotContain("--syslog", args);
        Assert.Contains("cache=auto", args);
    }
}
