namespace AotShim.Shim.Hypervisor;

/// <summary>The seed's directory layout for one sandbox's VM and its host/guest share.</summary>
public sealed record VmPaths(string SandboxId)
{
    public const string VmRoot = "/run/vc/vm";
    public const string SharedRoot = "/run/kata-containers/shared/sandboxes";

    public string Directory => $"{VmRoot}/{SandboxId}";

    public string PidFile => Directory + "/pid";

    public string QmpSocket => Directory + "/qmp.sock";

    public string ConsoleSocket => Directory + "/console.sock";

    public string VirtioFsSocket => Directory + "/vhost-fs.sock";

    public string AgentSocket => Directory + "/agent.sock";

    /// <summary>The sandbox's share root: mounts/, shared/ and private/ (see Storage.SandboxShare).</summary>
    public string ShareRoot => $"{SharedRoot}/{SandboxId}";

    public string SharedDirectory => ShareRoot + "/shared";

    public string QemuLog => Directory + "/qemu.log";
}
