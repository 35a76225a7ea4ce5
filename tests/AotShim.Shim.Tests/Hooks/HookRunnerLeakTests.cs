using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Hooks;

namespace AotShim.Shim.Tests.Hooks;

/// <summary>Runs alone, so this process's descriptors and children change only by what the hooks leave.</summary>
[CollectionDefinition(nameof(HookLeakCollection), DisableParallelization = true)]
public sealed class HookLeakCollection;

[Collection(nameof(HookLeakCollection))]
public sealed class HookRunnerLeakTests
{
    [Fact]
    public async Task Success_failure_timeout_spawn_failure_and_cancellation_leave_no_descriptor_and_no_child()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var scripts = new HookScripts();
        OciState state = HookScripts.State();
        await HookRunner.RunAsync([scripts.Hook("warm-up", "cat > /dev/null")], HookStages.Prestart, state, null, ct);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        string[] fdsBefore = [.. RunnerKinds(ProcessFds.Targets()).Order()];
        int[] childrenBefore = Children();

        await HookRunner.RunAsync([scripts.Hook("ok", "cat > /dev/null; echo fine >&2")], HookStages.Prestart, state, null, ct);
        await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([scripts.Hook("fail", "echo bad >&2; exit 1")], HookStages.Prestart, state, null, ct).AsTask());
        await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([scripts.Hook("slow", "exec sleep 600", timeout: 1)], HookStages.Prestart, state, null, ct).AsTask());
        await Assert.ThrowsAsync<HookException>(() => HookRunner.RunAsync([new Hook { Path = scripts.PathOf("missing") }], HookStages.Prestart, state, null, ct).AsTask());
        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            Task run = HookRunner.RunAsync([scripts.Hook("wait", "echo $$ > {dir}/pid; exec sleep 600")], HookStages.Prestart, state, null, cancel.Token).AsTask();
            await scripts.PidAsync("pid");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        }

        // Earlier tests' objects may still be finalized and close descriptors meanwhile; only new ones are leaks.
        List<string> fdsNew = [.. RunnerKinds(ProcessFds.Targets())];
        foreach (string fd in fdsBefore)
        {
            fdsNew.Remove(fd);
        }

        Assert.Empty(fdsNew);
        Assert.Empty(Children().Except(childrenBefore));
    }

    /// <summary>Assemblies the runtime loads late keep an fd open each; a hook run can only leak pipes, pidfds and /dev/null.</summary>
    private static IEnumerable<string> RunnerKinds(IEnumerable<string> targets) =>
        targets.Where(t => !t.EndsWith(".dll", StringComparison.Ordinal));

    /// <summary>Every child of every thread of this process, zombies included.</summary>
    private static int[] Children()
    {
        Assert.True(File.Exists($"/proc/self/task/{Environment.ProcessId}/children"), "the kernel lists no children (CONFIG_PROC_CHILDREN)");
        var children = new List<int>();
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                children.AddRange(File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
            }
            catch (IOException)
            {
                // The thread ended while being read.
            }
        }

        return [.. children.Order()];
    }
}
