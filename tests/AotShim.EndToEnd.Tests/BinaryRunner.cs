using System.Diagnostics;

namespace AotShim.EndToEnd.Tests;

/// <summary>Runs a published binary (optionally under qemu-aarch64-static) and captures its output.</summary>
internal static class BinaryRunner
{
    public static (int Code, string Output, string Error) Run(string file, IEnumerable<string> args, string? argv0Link = null, string? emulator = null)
    {
        string program = file;
        if (argv0Link is not null)
        {
            program = Path.Combine(Path.GetDirectoryName(file)!, argv0Link);
        }

        var start = new ProcessStartInfo(emulator ?? program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (emulator is not null)
        {
            start.ArgumentList.Add(program);
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
