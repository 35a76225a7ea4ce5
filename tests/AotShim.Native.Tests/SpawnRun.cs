using System.IO.Pipes;
using AotShim.Native;

namespace AotShim.Native.Tests;

/// <summary>Runs a spawned child to completion with its stdout on a pipe, for tests that assert on what it printed.</summary>
internal static class SpawnRun
{
    public static async Task<(int Exit, string Output)> RunAsync(SpawnOptions options)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var stdout = new AnonymousPipeServerStream(PipeDirection.In);
        ChildProcess child;
        try
        {
            child = ProcessSpawner.Spawn(options with { StandardOutput = stdout.ClientSafePipeHandle });
        }
        finally
        {
            // Only the child may hold the write end, or the read below never sees end of file.
            stdout.DisposeLocalCopyOfClientHandle();
        }

        using (child)
        {
            string output = await new StreamReader(stdout).ReadToEndAsync(cancellationToken);
            return (await child.WaitForExitAsync(cancellationToken), output);
        }
    }

    /// <summary>The child's descriptors and what they point at, read by ls in the child (its own directory fd left out).</summary>
    public static async Task<IReadOnlyDictionary<int, string>> ChildFdsAsync(SpawnOptions options)
    {
        (int exit, string output) = await RunAsync(options with { Path = "/bin/ls", Argv = ["ls", "-l", "/proc/self/fd/"] });
        Assert.Equal(0, exit);
        var fds = new Dictionary<int, string>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int arrow = line.IndexOf(" -> ", StringComparison.Ordinal);
            if (arrow < 0)
            {
                continue;
            }

            string target = line[(arrow + 4)..];
            if (!target.StartsWith("/proc/", StringComparison.Ordinal))
            {
                fds.Add(int.Parse(line[..arrow].Split(' ').Last()), target);
            }
        }

        return fds;
    }

    public static string Target(int fd) => new FileInfo($"/proc/self/fd/{fd}").LinkTarget!;
}
