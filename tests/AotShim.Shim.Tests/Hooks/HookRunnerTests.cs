using System.Text.Json;
using AotShim.Native;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Hooks;
using AotShim.Testing;

namespace AotShim.Shim.Tests.Hooks;

public sealed class HookRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hooks_run_one_after_another_in_the_listed_order()
    {
        using var scripts = new HookScripts();
        Hook[] hooks = [.. new[] { "first", "second", "third" }.Select(name => scripts.Hook(name, $"echo {name} >> {{dir}}/order"))];

        await HookRunner.RunAsync(hooks, HookStages.Prestart, HookScripts.State(), null, Ct);

        Assert.Equal(["first", "second", "third"], File.ReadAllLines(scripts.PathOf("order")));
    }

    [Fact]
    public async Task Args_are_the_whole_argv_and_env_is_exactly_the_hooks_environment()
    {
        using var scripts = new HookScripts();
        string[] args = ["custom-argv0", "-c", $"cat /proc/$$/cmdline > {scripts.Directory}/argv; cat /proc/$$/environ > {scripts.Directory}/env", "x y"];
        string[] env = ["HOOK_A=1", "HOOK_B=two words", "EMPTY="];
        var hook = new Hook { Path = "/bin/sh", Args = { args }, Env = { env } };

        await HookRunner.RunAsync([hook], HookStages.CreateRuntime, HookScripts.State(), null, Ct);

        Assert.Equal(args, Split(File.ReadAllText(scripts.PathOf("argv"))));
        Assert.Equal(env, Split(File.ReadAllText(scripts.PathOf("env"))));
    }

    [Fact]
    public async Task Without_args_argv_is_the_path_alone()
    {
        // GNU tr names itself by argv[0] in its usage error, and fails without operands.
        var hook = new Hook { Path = "/usr/bin/tr" };

        var e = await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([hook], HookStages.Prestart, HookScripts.State(), null, Ct).AsTask());

        Assert.StartsWith("/usr/bin/tr: missing operand", e.Stderr);
    }

    [Fact]
    public async Task Stdin_carries_the_state_json_and_then_ends()
    {
        using var scripts = new HookScripts();
        OciState state = new("ctr-7", OciStatus.Running, "/run/bundles/ctr-7")
        {
            Pid = 1234,
            Annotations = new Dictionary<string, string> { ["io.kubernetes.cri.sandbox-id"] = "pod-1", ["note"] = "\"quoted\" é" },
        };

        await HookRunner.RunAsync([scripts.Hook("read", "cat > {dir}/state.json")], HookStages.Poststart, state, null, Ct);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(scripts.PathOf("state.json")));
        JsonElement root = json.RootElement;
        Assert.Equal(OciState.SpecVersion, root.GetProperty("ociVersion").GetString());
        Assert.Equal("ctr-7", root.GetProperty("id").GetString());
        Assert.Equal("running", root.GetProperty("status").GetString());
        Assert.Equal(1234, root.GetProperty("pid").GetInt32());
        Assert.Equal("/run/bundles/ctr-7", root.GetProperty("bundle").GetString());
        Assert.Equal("pod-1", root.GetProperty("annotations").GetProperty("io.kubernetes.cri.sandbox-id").GetString());
        Assert.Equal("\"quoted\" é", root.GetProperty("annotations").GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_state_larger_than_a_pipe_reaches_the_hook_whole()
    {
        using var scripts = new HookScripts();
        string big = new('a', 300 * 1024);
        OciState state = HookScripts.State() with { Annotations = new Dictionary<string, string> { ["big"] = big } };

        await HookRunner.RunAsync([scripts.Hook("read", "cat > {dir}/state.json")], HookStages.Prestart, state, null, Ct);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(scripts.PathOf("state.json")));
        Assert.Equal(big, json.RootElement.GetProperty("annotations").GetProperty("big").GetString());
    }

    [Theory]
    [InlineData("exit 0")]
    [InlineData("exec 0<&-; exit 0")]
    public async Task A_hook_that_never_reads_or_closes_stdin_early_succeeds(string body)
    {
        using var scripts = new HookScripts();
        OciState state = HookScripts.State() with { Annotations = new Dictionary<string, string> { ["big"] = new('b', 200 * 1024) } };

        await HookRunner.RunAsync([scripts.Hook("ignore", body)], HookStages.Prestart, state, null, Ct);
    }

    [Fact]
    public async Task A_failing_hook_fails_with_stage_path_exit_status_and_stderr_and_later_hooks_do_not_run()
    {
        using var scripts = new HookScripts();
        Hook failing = scripts.Hook("fail", "echo 'no network for you' >&2; exit 3");
        Hook later = scripts.Hook("later", "touch {dir}/later-ran");

        var e = await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([failing, later], HookStages.Prestart, HookScripts.State(), null, Ct).AsTask());

        Assert.Equal($"prestart hook {failing.Path} failed with exit status 3; stderr: no network for you", e.Message);
        Assert.Equal(HookStages.Prestart, e.Stage);
        Assert.Equal(failing.Path, e.HookPath);
        Assert.False(File.Exists(scripts.PathOf("later-ran")));
    }

    [Fact]
    public async Task A_hook_killed_by_a_signal_names_the_signal()
    {
        using var scripts = new HookScripts();
        Hook hook = scripts.Hook("term", "kill -TERM $$");

        var e = await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([hook], HookStages.Prestart, HookScripts.State(), null, Ct).AsTask());

        Assert.Contains($"prestart hook {hook.Path} was killed by signal 15 (exit status 143)", e.Message);
    }

    [Fact]
    public async Task Stderr_is_kept_to_its_last_64_KiB_and_a_chatty_hook_is_never_blocked()
    {
        using var scripts = new HookScripts();
        Hook hook = scripts.Hook("chatty", "i=0; while [ $i -lt 4000 ]; do echo \"line $i of noise that fills the pipe many times over\" >&2; i=$((i+1)); done; echo LAST >&2; exit 1");

        var e = await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([hook], HookStages.Prestart, HookScripts.State(), null, Ct).AsTask());

        Assert.InRange(e.Stderr.Length, 60 * 1024, 64 * 1024);
        Assert.EndsWith("line 3999 of noise that fills the pipe many times over\nLAST", e.Stderr);
    }

    [Fact]
    public async Task A_hook_past_its_timeout_is_killed_and_reaped()
    {
        using var scripts = new HookScripts();
        Hook hook = scripts.Hook("slow", "echo started >&2; echo $$ > {dir}/pid; exec sleep 600", timeout: 1);

        var e = await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([hook], HookStages.CreateRuntime, HookScripts.State(), null, Ct).AsTask());

        Assert.Equal($"createRuntime hook {hook.Path} timed out after 1 s and was killed; stderr: started", e.Message);
        Assert.False(Directory.Exists($"/proc/{await scripts.PidAsync("pid")}"));
    }

    [Fact]
    public async Task A_missing_executable_fails_naming_its_path()
    {
        using var scripts = new HookScripts();
        string missing = scripts.PathOf("not-there");

        var e = await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([new Hook { Path = missing }], HookStages.Prestart, HookScripts.State(), null, Ct).AsTask());

        Assert.StartsWith($"prestart hook {missing} could not be started: ", e.Message);
        Assert.Contains("ENOENT", e.Message);
    }

    [Theory]
    [InlineData("relative/hook", 0, "prestart hook refused: hooks.prestart[1].path \"relative/hook\" is not an absolute path")]
    [InlineData("", 0, "prestart hook refused: hooks.prestart[1].path \"\" is not an absolute path")]
    [InlineData("/bin/true", -5, "prestart hook /bin/true refused: hooks.prestart[1].timeout -5 must be greater than zero")]
    public async Task A_malformed_hook_is_refused_before_any_hook_runs(string path, long timeout, string message)
    {
        using var scripts = new HookScripts();
        Hook first = scripts.Hook("first", "touch {dir}/first-ran");

        var e = await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([first, new Hook { Path = path, Timeout = timeout }], HookStages.Prestart, HookScripts.State(), null, Ct).AsTask());

        Assert.Equal(message, e.Message);
        Assert.False(File.Exists(scripts.PathOf("first-ran")));
    }

    [Fact]
    public async Task Cancellation_kills_the_running_hook_and_reaps_it()
    {
        using var scripts = new HookScripts();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Hook hook = scripts.Hook("wait", "echo $$ > {dir}/pid; exec sleep 600");

        Task run = HookRunner.RunAsync([hook], HookStages.Prestart, HookScripts.State(), null, cancel.Token).AsTask();
        int pid = await scripts.PidAsync("pid");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(Directory.Exists($"/proc/{pid}"));
    }

    [Fact]
    public async Task A_background_child_still_holding_stderr_does_not_keep_the_hook_running()
    {
        using var scripts = new HookScripts();
        Hook hook = scripts.Hook("daemonizes", "sleep 600 & echo $! > {dir}/pid; echo spawned >&2; exit 0");
        try
        {
            await HookRunner.RunAsync([hook], HookStages.Prestart, HookScripts.State(), null, Ct);
        }
        finally
        {
            Signals.Send(await scripts.PidAsync("pid"), Signals.SIGKILL);
        }
    }

    [Fact]
    public async Task RunEach_runs_every_hook_and_returns_each_failure_a_malformed_one_included()
    {
        using var scripts = new HookScripts();
        Hook[] hooks =
        [
            scripts.Hook("a", "echo a >> {dir}/order; exit 1"),
            new Hook { Path = "relative" },
            scripts.Hook("b", "echo b >> {dir}/order"),
            scripts.Hook("c", "echo c >> {dir}/order; echo 'cleanup failed' >&2; exit 2"),
        ];

        IReadOnlyList<HookException> failures = await HookRunner.RunEachAsync(hooks, HookStages.Poststop, HookScripts.State(OciStatus.Stopped), null, Ct);

        Assert.Equal(["a", "b", "c"], File.ReadAllLines(scripts.PathOf("order")));
        Assert.Equal([hooks[0].Path, "relative", hooks[3].Path], failures.Select(f => f.HookPath));
        Assert.Equal($"poststop hook {hooks[3].Path} failed with exit status 2; stderr: cleanup failed", failures[2].Message);
    }

    [Fact]
    public async Task RunEach_returns_no_failures_when_every_hook_succeeds()
    {
        using var scripts = new HookScripts();

        IReadOnlyList<HookException> failures = await HookRunner.RunEachAsync([scripts.Hook("ok", "exit 0")], HookStages.Poststart, HookScripts.State(OciStatus.Running), null, Ct);

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Given_the_pods_network_namespace_every_stage_starts_its_hooks_inside_it()
    {
        using var scripts = new HookScripts();
        using var pod = new TestNetns();
        string podNs = NamespaceOf(pod.Path);
        Hook hook = scripts.Hook("where", "readlink /proc/self/ns/net >> {dir}/ns");

        await HookRunner.RunAsync([hook], HookStages.Prestart, HookScripts.State(), pod.Path, Ct);
        Assert.Empty(await HookRunner.RunEachAsync([hook], HookStages.Poststop, HookScripts.State(OciStatus.Stopped), pod.Path, Ct));
        await HookRunner.RunAsync([hook], HookStages.Prestart, HookScripts.State(), null, Ct);

        Assert.Equal([podNs, podNs, NamespaceOf($"/proc/{Environment.ProcessId}/ns/net")], File.ReadAllLines(scripts.PathOf("ns")));
    }

    [Fact]
    public async Task A_network_namespace_that_is_gone_fails_the_stage_naming_it_and_runs_nothing()
    {
        using var scripts = new HookScripts();
        string gone = "/var/run/netns/ecr-gone-" + Guid.NewGuid().ToString("N")[..8];
        Hook hook = scripts.Hook("mark", "touch {dir}/ran");

        var e = await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([hook], HookStages.CreateRuntime, HookScripts.State(), gone, Ct).AsTask());
        HookException logged = Assert.Single(await HookRunner.RunEachAsync([hook], HookStages.Poststart, HookScripts.State(OciStatus.Running), gone, Ct));

        Assert.StartsWith($"createRuntime hooks cannot enter the pod's network namespace {gone}: ", e.Message);
        Assert.StartsWith($"poststart hooks cannot enter the pod's network namespace {gone}: ", logged.Message);
        Assert.False(File.Exists(scripts.PathOf("ran")));
    }

    /// <summary>"net:[INODE]", as readlink shows a process's namespace link.</summary>
    private static string NamespaceOf(string nsFile) => $"net:[{Tool.Run("stat", "-L", "-c", "%i", nsFile).Trim()}]";

    private static string[] Split(string nulSeparated) => nulSeparated.TrimEnd('\0').Split('\0');
}
