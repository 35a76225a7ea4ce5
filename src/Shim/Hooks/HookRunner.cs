using System.Text;
using System.Text.Json;
using AotShim.Native;
using AotShim.Native.Netlink;
using AotShim.Shim.Agent.Protocol;

namespace AotShim.Shim.Hooks;

/// <summary>
/// Runs OCI hooks on the host, one after another as listed: path is executed with args as its argv (args[0] is argv[0];
/// no args means argv = [path]), exactly env as its environment, the state JSON on stdin, stdout discarded, stderr kept
/// for the error. A hook with a timeout is SIGKILLed when it runs out; every hook is reaped before its call returns.
/// Given the pod's network namespace, hooks start inside it, as kata runs them (a CNI-style hook sees the pod's links).
/// </summary>
public static class HookRunner
{
    private const int StderrLimit = 64 * 1024;

    // CancellationTokenSource's longest delay; a longer timeout is no timeout in practice.
    private const long MaxTimeoutSeconds = uint.MaxValue / 1000 - 1;

    /// <summary>
    /// Runs the hooks in order and stops at the first failure, which is thrown: kata's (and the spec's) semantics for
    /// prestart and createRuntime, whose failure fails the create.
    /// </summary>
    public static async ValueTask RunAsync(IReadOnlyList<Hook> hooks, string stage, OciState state, string? netnsPath, CancellationToken ct)
    {
        // Every hook is checked before any runs, so a malformed later hook leaves the earlier ones unrun.
        for (int i = 0; i < hooks.Count; i++)
        {
            Validate(hooks[i], i, stage);
        }

        if (hooks.Count == 0)
        {
            return;
        }

        byte[] stateJson = JsonSerializer.SerializeToUtf8Bytes(state, OciStateJsonContext.Default.OciState);
        using NetworkNamespace? netns = OpenNetns(netnsPath, stage, hooks[0]);
        foreach (Hook hook in hooks)
        {
            await RunOneAsync(hook, stage, stateJson, netns, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs every hook in order even after a failure and returns the failures for the caller to log as warnings:
    /// poststop as the spec has it, and poststart as kata treats it (never fatal). Cancellation still throws.
    /// </summary>
    public static async ValueTask<IReadOnlyList<HookException>> RunEachAsync(IReadOnlyList<Hook> hooks, string stage, OciState state, string? netnsPath, CancellationToken ct)
    {
        var failures = new List<HookException>();
        if (hooks.Count == 0)
        {
            return failures;
        }

        byte[] stateJson = JsonSerializer.SerializeToUtf8Bytes(state, OciStateJsonContext.Default.OciState);
        NetworkNamespace? netns;
        try
        {
            netns = OpenNetns(netnsPath, stage, hooks[0]);
        }
        catch (HookException e)
        {
            return [e];
        }

        using (netns)
        {
            for (int i = 0; i < hooks.Count; i++)
            {
                try
                {
                    Validate(hooks[i], i, stage);
                    await RunOneAsync(hooks[i], stage, stateJson, netns, ct).ConfigureAwait(false);
                }
                catch (HookException e)
                {
                    failures.Add(e);
                }
            }
        }

        return failures;
    }

    /// <summary>The namespace the stage's hooks start in; one that cannot be opened fails the stage naming it.</summary>
    private static NetworkNamespace? OpenNetns(string? path, string stage, Hook first)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        try
        {
            return NetworkNamespace.Open(path);
        }
        catch (Exception e) when (e is NativeException or ArgumentException)
        {
            throw new HookException(stage, first.Path, $"{stage} hooks cannot enter the pod's network namespace {path}: {e.Message}");
        }
    }

    /// <summary>The spec's rules for one hook: an absolute path, and a timeout that is positive when set.</summary>
    private static void Validate(Hook hook, int index, string stage)
    {
        if (!Path.IsPathFullyQualified(hook.Path))
        {
            throw new HookException(stage, hook.Path, $"{stage} hook refused: hooks.{stage}[{index}].path \"{hook.Path}\" is not an absolute path");
        }

        if (hook.Timeout < 0)
        {
            throw new HookException(stage, hook.Path, $"{stage} hook {hook.Path} refused: hooks.{stage}[{index}].timeout {hook.Timeout} must be greater than zero");
        }
    }

    private static async ValueTask RunOneAsync(Hook hook, string stage, byte[] stateJson, NetworkNamespace? netns, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        (FileDescriptor stderrRead, FileDescriptor stderrWrite) = Pipes.Create();
        using (stderrRead)
        {
            using ChildProcess child = Spawn(hook, stage, stateJson, stderrWrite, netns);
            Task<byte[]> stderr = ChildOutput.ReadTailAsync(stderrRead, child, StderrLimit);
            (int status, bool timedOut) = await WaitAsync(child, hook.Timeout, ct).ConfigureAwait(false);
            string errors = Encoding.UTF8.GetString(await stderr.ConfigureAwait(false)).TrimEnd();
            ct.ThrowIfCancellationRequested();
            if (timedOut)
            {
                throw new HookException(stage, hook.Path, $"{stage} hook {hook.Path} timed out after {hook.Timeout} s and was killed", errors);
            }

            if (status != 0)
            {
                throw new HookException(stage, hook.Path, $"{stage} hook {hook.Path} {Describe(status)}", errors);
            }
        }
    }

    /// <summary>Starts the hook; our copies of its stdin and stderr ends are closed whatever happens.</summary>
    private static ChildProcess Spawn(Hook hook, string stage, byte[] stateJson, FileDescriptor stderrWrite, NetworkNamespace? netns)
    {
        using (stderrWrite)
        {
            using FileDescriptor stdin = Pipes.WithContent(stateJson);
            var options = new SpawnOptions(hook.Path, hook.Args.Count > 0 ? [.. hook.Args] : [hook.Path])
            {
                Environment = [.. hook.Env],
                StandardInput = stdin,
                StandardError = stderrWrite,
            };
            try
            {
                // A child starts in its parent thread's network namespace, so the spawn runs on a thread that entered it.
                return netns is null ? ProcessSpawner.Spawn(options) : netns.Run(() => ProcessSpawner.Spawn(options));
            }
            catch (Exception e) when (e is NativeException or ArgumentException)
            {
                throw new HookException(stage, hook.Path, $"{stage} hook {hook.Path} could not be started: {e.Message}");
            }
        }
    }

    /// <summary>The hook's exit status; on timeout or cancellation it is SIGKILLed and reaped first.</summary>
    private static async ValueTask<(int Status, bool TimedOut)> WaitAsync(ChildProcess child, long timeoutSeconds, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource();
        if (timeoutSeconds > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(timeoutSeconds, MaxTimeoutSeconds)));
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return (await child.WaitForExitAsync(either.Token).ConfigureAwait(false), false);
        }
        catch (OperationCanceledException)
        {
            child.Signal(Signals.SIGKILL);
            return (await child.Exited.ConfigureAwait(false), !ct.IsCancellationRequested);
        }
    }

    /// <summary>ChildProcess reports a signal as 128 + its number, as a shell does.</summary>
    private static string Describe(int status) =>
        status > 128 ? $"was killed by signal {status - 128} (exit status {status})" : $"failed with exit status {status}";
}
