using System.Text.Json;
using AotShim.Kvm;
using AotShim.Shim.Agent;
using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor.Qemu;
using Tmds.Linux;

namespace AotShim.Shim.Cli;

/// <summary>`ecr-runtime check`: can this host run sandboxes with the effective configuration?</summary>
internal static class CheckCommand
{
    public const string Help = """
        Usage: ecr-runtime check [--json] [--verbose] [--config FILE]

        Checks /dev/kvm (API version, capabilities, VM creation as root), /dev/vhost-vsock, /dev/vhost-net,
        /dev/net/tun, the cgroup version, x86 CPU flags, and the files and machine type of the effective
        configuration. Exits 0 only when no check fails.
          --verbose      also print the checks that passed
          --json         print a JSON document
          --config FILE  check against FILE instead of the default configuration
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        CliOptions options = CliOptions.Parse("check", args, allowsConfig: true, allowsVerbose: true);
        if (options.Help)
        {
            output.WriteLine(Help);
            return 0;
        }

        HostArchitecture architecture = HostArchitectures.Current;
        var checks = new List<HostCheckResult>();
        Configuration? configuration = null;
        string? configFile = null;
        try
        {
            var (loaded, _) = ConfigSelection.Load(options.ConfigPath);
            configuration = loaded.Configuration;
            configFile = loaded.Files[0];
            checks.Add(HostCheckResult.Pass("config.file", $"{string.Join(", ", loaded.Files)} is valid", configFile));
            checks.AddRange(loaded.Warnings.Select((w, i) => HostCheckResult.Warn($"config.warning[{i}]", w)));
        }
        catch (ConfigException e)
        {
            checks.Add(HostCheckResult.Fail("config.file", e.Message));
        }

        var requirements = new HostRequirements
        {
            Architecture = architecture,
            DisableVhostNet = configuration?.Hypervisor.DisableVhostNet ?? false,
            UseVsock = configuration?.Agent.Transport == "vsock",
            IsRoot = LibC.geteuid() == 0,
        };
        checks.AddRange(HostChecker.Run(requirements));
        if (configuration is not null)
        {
            string transport = AgentTransport.Resolve(configuration.Agent.Transport);
            checks.Add(HostCheckResult.Pass("agent.transport", transport == AgentTransport.Vsock
                ? $"the agent is reached over vsock (vhost-vsock, port {AgentEndpoint.AgentPort}); [agent.kata] transport = \"{configuration.Agent.Transport}\""
                : $"the agent is reached over virtio-serial (port {SerialAgentPort.PortName}); [agent.kata] transport = \"{configuration.Agent.Transport}\"", transport));
            checks.AddRange(ConfigHostChecks.Run(configuration, architecture));
        }

        bool ok = checks.All(c => c.Status != CheckStatus.Fail);
        if (options.Json)
        {
            var report = new CheckReport(ok, architecture.KernelName(), configFile, checks);
            output.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.CheckReport));
        }
        else
        {
            Print(checks, ok, options.Verbose, output);
        }

        return ok ? 0 : 1;
    }

    private static void Print(List<HostCheckResult> checks, bool ok, bool verbose, TextWriter output)
    {
        foreach (HostCheckResult check in checks.Where(c => verbose || c.Status != CheckStatus.Pass))
        {
            string status = check.Status switch
            {
                CheckStatus.Pass => "PASS",
                CheckStatus.Warn => "WARN",
                _ => "FAIL",
            };
            output.WriteLine($"{status}  {check.Name}: {check.Reason}");
        }

        int failed = checks.Count(c => c.Status == CheckStatus.Fail);
        int warned = checks.Count(c => c.Status == CheckStatus.Warn);
        output.WriteLine(ok
            ? $"System is capable of running sandboxes ({checks.Count} checks, {warned} warnings)"
            : $"System cannot run sandboxes: {failed} of {checks.Count} checks failed, {warned} warnings");
    }
}
