using System.Diagnostics;
using System.Text.Json;
using AotShim.Native;
using AotShim.Shim.Sandbox;

namespace AotShim.TestShim;

/// <summary>
/// Test-only backend: runs a container's processes on the host, chrooted into the bundle's rootfs in their own
/// UTS, IPC and mount namespaces (util-linux unshare/nsenter). It exists so the shim's containerd face can be
/// tested before the VM backend; it never ships in the product binary.
/// </summary>
internal sealed class HostSandbox : ISandbox
{
    public const string InitPidFile = "init.pid";

    public ValueTask<IContainer> CreateContainerAsync(ContainerRequest request, CancellationToken cancellationToken)
    {
        string rootfs = Path.Combine(request.Bundle, "rootfs");
        foreach (RootfsMount mount in request.Rootfs)
        {
            Tool("/bin/mount", ["-t", mount.Type, "-o", string.Join(',', mount.Options), mount.Source, rootfs]);
        }

        // runc gives a container a /dev; the host's, bound in, is enough for a test backend.
        Directory.CreateDirectory(Path.Combine(rootfs, "dev"));
        Tool("/bin/mount", ["--rbind", "/dev", Path.Combine(rootfs, "dev")]);

        using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(request.Bundle, "config.json")));
        var (args, env, cwd) = ProcessSpec(config.RootElement.GetProperty("process"));
        HostProcess init = HostProcess.Create(
            request.Id,
            ["/usr/bin/unshare", "--uts", "--ipc", "--mount", $"--root={rootfs}", $"--wd={cwd}", "--", .. args],
            env,
            request.Stdio);
        File.WriteAllText(Path.Combine(request.Bundle, InitPidFile), init.Pid.ToString());
        return ValueTask.FromResult<IContainer>(new HostContainer(request, init));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>After a shim crash: the init process it recorded goes too (SIGKILL reaches it even when stopped).</summary>
    public static void KillLeftovers(string bundle)
    {
        string pidFile = Path.Combine(bundle, InitPidFile);
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile), out int pid) && File.Exists($"/proc/{pid}/status"))
        {
            Process.GetProcessById(pid).Kill();
        }

        File.Delete(pidFile);
    }

    public static (IReadOnlyList<string> Args, IReadOnlyList<string> Env, string Cwd) ProcessSpec(JsonElement process) => (
        [.. process.GetProperty("args").EnumerateArray().Select(a => a.GetString()!)],
        process.TryGetProperty("env", out JsonElement env) ? [.. env.EnumerateArray().Select(e => e.GetString()!)] : [],
        process.TryGetProperty("cwd", out JsonElement cwd) ? cwd.GetString()! : "/");

    public static void Tool(string path, IReadOnlyList<string> args)
    {
        using Process tool = Process.Start(path, args);
        tool.WaitForExit();
        if (tool.ExitCode != 0)
        {
            throw new IOException($"{path} {string.Join(' ', args)} exited with {tool.ExitCode}");
        }
    }
}
