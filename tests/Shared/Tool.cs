using System.Diagnostics;

namespace AotShim.Testing;

/// <summary>Runs a tool (ip, tc, stat, ...) to completion for a test that checks what the product did.</summary>
internal static class Tool
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Returns stdout; throws with stderr unless the tool exits 0.</summary>
    public static string Run(string file, params string[] args)
    {
        (int exitCode, string output) = TryRun(file, args);
        return exitCode == 0 ? output : throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` exited {exitCode}: {output}");
    }

    /// <summary>The exit code and stdout, followed by stderr when the tool failed.</summary>
    public static (int ExitCode, string Output) TryRun(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{file} {string.Join(' ', args)}` did not finish within {Limit.TotalSeconds} s");
        }

        return (process.ExitCode, process.ExitCode == 0 ? stdout.Result : stdout.Result + stderr.Result);
    }
}
