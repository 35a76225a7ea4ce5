using System.Text.Json.Nodes;
using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>A test class of its own against the VM shim: containerd's default configuration is the test guest's, without network.</summary>
public abstract class VmContainerdTests : ContainerdShimTests
{
    private protected TempDirectory Config { get; } = new();

    protected override string Runtime => VmBackend.Runtime;

    protected override string? ShimBinary => Repo.Binary("x64");

    protected override PrivateContainerdOptions ContainerdOptions() => base.ContainerdOptions() with
    {
        Environment = new Dictionary<string, string> { ["ECR_CONF_FILE"] = VmTestConfig.Write(Config.Path, "x64") },
    };

    protected override void CheckPrerequisites()
    {
        base.CheckPrerequisites();
        VmBackend.CheckPrerequisites();
    }

    protected override IEnumerable<string> BackendLeftovers(string id) => VmBackend.Leftovers(id);

    /// <summary>
    /// QEMU's vCPU threads as the shim logged them on moving them into the sandbox cgroup: threads carry no names without
    /// debug-threads, and under TCG a vCPU thread also starts QEMU's I/O workers, which inherit its cgroup.
    /// </summary>
    private protected async Task<int[]> LoggedVcpuThreadsAsync(int qemuPid)
    {
        var logged = new System.Text.RegularExpressions.Regex($"vCPU threads ([0-9,]+) of QEMU {qemuPid} are in sandbox cgroup");
        for (int attempt = 0; attempt < 50; attempt++)
        {
            if (logged.Matches(Containerd.ReadLog()) is { Count: > 0 } matches)
            {
                return [.. matches[^1].Groups[1].Value.Split(',').Select(int.Parse)];
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new InvalidOperationException($"the shim never logged QEMU {qemuPid}'s vCPU threads:\n{Containerd.ReadLogTail(30)}");
    }

    /// <summary>
    /// ctr's default spec with a busybox rootfs directory and the command, then <paramref name="edit"/>'s changes:
    /// `ctr run --config` takes it whole, for what ctr has no flag for (hooks, a netns path, a cpuset).
    /// </summary>
    private protected async Task<string> WriteSpecAsync(string id, string[] args, Action<JsonNode> edit)
    {
        string rootfs = Path.Combine(Config.Path, id + "-rootfs");
        foreach (string directory in new[] { "bin", "proc", "sys", "dev", "tmp", "etc" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, directory));
        }

        File.Copy(BusyboxImage.Busybox, Path.Combine(rootfs, "bin", "busybox"));
        JsonNode spec = JsonNode.Parse((await Ctr.RunAsync("oci", "spec")).EnsureSuccess().Stdout)!;
        spec["root"] = new JsonObject { ["path"] = rootfs };
        spec["process"]!["args"] = new JsonArray([.. args.Select(a => JsonValue.Create(a))]);
        spec["process"]!["terminal"] = false;
        edit(spec);

        string path = Path.Combine(Config.Path, id + ".json");
        File.WriteAllText(path, spec.ToJsonString());
        return path;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Config.Dispose();
    }
}
