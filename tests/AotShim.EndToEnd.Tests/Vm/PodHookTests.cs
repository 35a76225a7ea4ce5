using System.Text.Json;
using System.Text.Json.Nodes;
using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>
/// OCI hooks of a VM pod run on the host in the pod's network namespace, in order, with the container's state on stdin;
/// a failing prestart fails Create.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PodHookTests : VmContainerdTests
{
    [Fact]
    public async Task Hooks_RunInOrderInThePodsNetnsWithTheStateOnStdin()
    {
        string id = NewId("hooks");
        using var pod = new TestNetns();
        string log = Path.Combine(Config.Path, "hooks.log");
        string hook = WriteScript("hook.sh", $"#!/bin/sh\nprintf '%s %s %s\\n' \"$1\" \"$(readlink /proc/self/ns/net)\" \"$(cat)\" >> {log}\n");
        string spec = await WriteSpecAsync(id, ["/bin/busybox", "echo", "started"], spec =>
        {
            spec["hooks"] = new JsonObject
            {
                ["prestart"] = Hooks(hook, "prestart"),
                ["createRuntime"] = Hooks(hook, "createRuntime"),
                ["poststart"] = Hooks(hook, "poststart"),
                ["poststop"] = Hooks(hook, "poststop"),
            };
            spec["linux"]!["namespaces"]!.AsArray().Single(n => (string?)n!["type"] == "network")!["path"] = pod.Path;
        });

        CommandResult run = await Ctr.RunContainerAsync(new CtrRun("", id, []) { Remove = true, SpecFile = spec }, TestContext.Current.CancellationToken);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("started\n", run.Stdout);
        await AssertNothingLeftAsync(id);
        string[][] lines = [.. File.ReadAllLines(log).Select(l => l.Split(' ', 3))];
        Assert.Equal(["prestart", "createRuntime", "poststart", "poststop"], lines.Select(l => l[0]));
        Assert.All(lines, l => Assert.Equal($"net:[{Tool.Run("stat", "-L", "-c", "%i", pod.Path).Trim()}]", l[1]));
        string[] statuses = ["creating", "creating", "running", "stopped"];
        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument state = JsonDocument.Parse(lines[i][2]);
            Assert.Equal(id, state.RootElement.GetProperty("id").GetString());
            Assert.Equal(Containerd.TaskDirectory(id), state.RootElement.GetProperty("bundle").GetString());
            Assert.Equal(statuses[i], state.RootElement.GetProperty("status").GetString());
            Assert.True(statuses[i] == "stopped" || state.RootElement.GetProperty("pid").GetInt32() > 0, lines[i][2]);
        }
    }

    [Fact]
    public async Task AFailingPrestartHook_FailsCreateWithItsStderrAndLeavesNothing()
    {
        string id = NewId("hookfail");
        string hook = WriteScript("refuse.sh", "#!/bin/sh\ncat > /dev/null\necho 'prestart refuses this pod' >&2\nexit 3\n");
        string spec = await WriteSpecAsync(id, ["/bin/busybox", "true"], spec => spec["hooks"] = new JsonObject { ["prestart"] = Hooks(hook, "prestart") });

        CommandResult run = await Ctr.RunContainerAsync(new CtrRun("", id, []) { Remove = true, SpecFile = spec }, TestContext.Current.CancellationToken);

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains("prestart refuses this pod", run.Stderr);
        await Ctr.TaskDeleteAsync(id);
        await Ctr.ContainerRmAsync(id);
        await AssertNothingLeftAsync(id);
    }

    private static JsonArray Hooks(string path, string stage) => [new JsonObject { ["path"] = path, ["args"] = new JsonArray(path, stage), ["timeout"] = 30 }];

    private string WriteScript(string name, string text)
    {
        string path = Path.Combine(Config.Path, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
