using System.Text;
using AotShim.GuestAgent.Launch;
using AotShim.GuestAgent.Native;
using AotShim.Native;
using Microsoft.Win32.SafeHandles;

namespace AotShim.GuestAgent.Processes;

/// <summary>
/// Spawns this binary in its exec-in mode with the process's stdio, then waits on the status pipe: end of file
/// with nothing written means the exec succeeded; otherwise the helper wrote why it could not become the process.
/// </summary>
internal static class ProcessLauncher
{
    private static readonly string AgentPath = Environment.ProcessPath ?? "/proc/self/exe";

    public static async Task<ChildProcess> StartAsync(ExecPlan plan, ProcessStdio stdio)
    {
        (SafeFileHandle statusRead, SafeFileHandle statusWrite) = GuestLibc.Pipe();
        using (statusRead)
        {
            ChildProcess child;
            using (statusWrite)
            {
                child = ProcessSpawner.Spawn(new SpawnOptions(AgentPath, ["ecr-guest-agent", .. plan.ToArguments()])
                {
                    StandardInput = stdio.ChildStdin,
                    StandardOutput = stdio.ChildStdout,
                    StandardError = stdio.ChildStderr,
                    NewSession = true,
                    Fds = [new FdMapping(statusWrite, ExecIn.StatusFd)],
                });
            }

            string failure = await Task.Run(() => ReadToEnd(statusRead)).ConfigureAwait(false);
            if (failure.Length > 0)
            {
                await child.Exited.ConfigureAwait(false);
                child.Dispose();
                throw new InvalidOperationException(failure);
            }

            return child;
        }
    }

    private static string ReadToEnd(SafeFileHandle pipe)
    {
        var text = new StringBuilder();
        Span<byte> buffer = stackalloc byte[1024];
        int read;
        while ((read = GuestLibc.Read(pipe, buffer, "exec-in status")) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer[..read]));
        }

        return text.ToString();
    }
}
