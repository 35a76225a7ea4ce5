using System.Diagnostics;

namespace AotShim.Testing;

/// <summary>Host tools a test arranges or checks with (losetup, mkfs.ext4, debugfs): product code never shells out.</summary>
internal static class HostTool
{
    /// <summary>Runs <paramref name="tool"/> and returns its stdout; a failure names the command and its stderr.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
    }
}
