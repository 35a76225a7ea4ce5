using System.Diagnostics;
using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.ProcessBenchmarks;

/// <summary>
/// A shim under test: the binary containerd would run (the link in the private bin directory), its runtime name and
/// whether it sits out the `ctr run` rounds.
/// </summary>
internal sealed record Shim(string Label, string Runtime, string Binary, string InstalledPath, bool StartOnly);

/// <summary>One `start` → idle → Shutdown → `delete` cycle of a shim, invoked exactly as containerd 1.6 invokes it.</summary>
internal sealed record StartSample(
    double ToAddressMs, double ToExitMs, string Address, int DaemonPid, long RssKb, long PssKb, int Threads,
    double ShutdownMs, string ShutdownHow, double DeleteMs, int DeleteExit, string DeleteError);

internal static class ShimProbe
{
    /// <summary>
    /// Bundle as containerd prepares it (config.json from `ctr oci spec`, rootfs/, the `log` fifo it
    /// reads, `work` linking to a work directory), then
    /// `ABS -namespace NS -address GRPC -publish-binary CONTAINERD -id ID start` with cwd = a bundle
    /// (config.json, rootfs/), stdin empty, containerd's environment plus TTRPC_ADDRESS and GOMAXPROCS
    /// (containerd 1.6 sets it to max(4, GOMAXPROCS)). Times the first byte of the address and the
    /// exit + EOF on stdout (what containerd waits for), then samples the daemon's VmRSS, Pss and
    /// Threads after <paramref name="settle"/>, sends TTRPC Shutdown and runs `... -bundle DIR delete`.
    /// </summary>
    public static async Task<StartSample> RunAsync(PrivateContainerd containerd, Shim shim, string id, string specJson, TimeSpan settle)
    {
        string bundle = Path.Combine(containerd.Directory, "b", id);
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs"));
        File.WriteAllText(Path.Combine(bundle, "config.json"), specJson);
        string work = Path.Combine(containerd.Directory, "w", id);
        Directory.CreateDirectory(work);
        File.CreateSymbolicLink(Path.Combine(bundle, "work"), work);
        containerd.Track(containerd.Namespace, id);
        using var log = new ShimLogFifo(bundle);
        try
        {
            var (toAddress, toExit, address) = await StartAsync(containerd, shim, id, bundle);
            int daemon;
            try
            {
                daemon = await FindDaemonAsync(containerd, id);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{e.Message}; shim log: {log.Text.Trim()}");
            }

            await Task.Delay(settle);
            var (rss, threads) = Status(daemon);
            long pss = Pss(daemon);

            var shutdown = Stopwatch.StartNew();
            string how;
            try
            {
                how = await TtrpcShutdown.SendAsync(address, id, TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
            {
                how = "failed: " + e.Message;
            }

            if (!WaitGone(daemon, TimeSpan.FromSeconds(10)))
            {
                HostProcesses.Signal(daemon, HostProcesses.SIGKILL);
                how += ", SIGKILLed after 10 s";
            }

            shutdown.Stop();
            CommandResult delete = await Command.RunAsync(shim.InstalledPath,
                ["-namespace", containerd.Namespace, "-address", containerd.GrpcAddress, "-publish-binary", containerd.Options.ContainerdBinary,
                    "-id", id, "-bundle", bundle, "delete"],
                TimeSpan.FromSeconds(30), ShimEnvironment(containerd), bundle);
            return new StartSample(toAddress, toExit, address, daemon, rss, pss, threads,
                shutdown.Elapsed.TotalMilliseconds, how, delete.Elapsed.TotalMilliseconds, delete.ExitCode,
                delete.Succeeded ? "" : delete.Stderr.Trim().Split('\n')[^1].Replace(bundle, "BUNDLE").Replace('|', '/'));
        }
        finally
        {
            foreach (HostProcess leftover in containerd.ShimProcesses().Where(p => p.Argv.Contains(id)))
            {
                HostProcesses.Signal(leftover.Pid, HostProcesses.SIGKILL);
            }

            if (containerd.Mounts().All(m => !m.StartsWith(bundle, StringComparison.Ordinal)))
            {
                Directory.Delete(bundle, recursive: true);
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static async Task<(double ToAddress, double ToExit, string Address)> StartAsync(PrivateContainerd containerd, Shim shim, string id, string bundle)
    {
        var start = new ProcessStartInfo(shim.InstalledPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = bundle,
        };
        foreach (string arg in new[] { "-namespace", containerd.Namespace, "-address", containerd.GrpcAddress, "-publish-binary", containerd.Options.ContainerdBinary, "-id", id, "start" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in ShimEnvironment(containerd))
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        process.StandardInput.Close(); // no runtime options
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Stream stdout = process.StandardOutput.BaseStream;
        var output = new MemoryStream();
        var buffer = new byte[4096];
        double toAddress = -1;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int read;
        while ((read = await stdout.ReadAsync(buffer, timeout.Token)) > 0)
        {
            if (toAddress < 0)
            {
                toAddress = clock.Elapsed.TotalMilliseconds;
            }

            output.Write(buffer, 0, read);
        }

        await process.WaitForExitAsync(timeout.Token);
        double toExit = clock.Elapsed.TotalMilliseconds;
        string address = System.Text.Encoding.UTF8.GetString(output.ToArray()).Trim();
        if (process.ExitCode != 0 || address.Length == 0)
        {
            throw new InvalidOperationException($"start exited {process.ExitCode}, stdout '{address}', stderr: {(await stderr).Trim()}");
        }

        return (toAddress, toExit, address);
    }

    /// <summary>
    /// What this harness itself costs per measurement: the same Process start, stdout drain and wait,
    /// around /bin/true (median milliseconds of <paramref name="count"/>).
    /// </summary>
    public static async Task<double> ExecOverheadAsync(int count)
    {
        var times = new List<double>();
        for (int i = 0; i <= count; i++)
        {
            var start = new ProcessStartInfo("/bin/true")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var clock = Stopwatch.StartNew();
            using Process process = Process.Start(start)!;
            process.StandardInput.Close();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            await process.WaitForExitAsync();
            if (i > 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            await stderr;
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>What containerd 1.6 gives a shim: its own environment (PATH with the bin directory first), TTRPC_ADDRESS, GOMAXPROCS.</summary>
    public static Dictionary<string, string> ShimEnvironment(PrivateContainerd containerd) => new()
    {
        ["PATH"] = containerd.BinDirectory + ":" + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin"),
        ["TTRPC_ADDRESS"] = containerd.TtrpcAddress,
        ["GOMAXPROCS"] = Math.Max(4, Environment.ProcessorCount).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // The server process the start command left behind: a live containerd-shim* naming the id and our containerd.
    private static async Task<int> FindDaemonAsync(PrivateContainerd containerd, string id)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            if (containerd.ShimProcesses().FirstOrDefault(p => p.Argv.Contains(id) && !p.Argv.Contains("start")) is { } daemon)
            {
                return daemon.Pid;
            }

            await Task.Delay(10);
        }

        throw new InvalidOperationException($"no shim server process with -id {id} after start");
    }

    /// <summary>
    /// Looks every millisecond until the process is gone or a zombie: HostProcesses.WaitGoneAsync sleeps 20 ms between
    /// looks, which turned any server still alive right after its Shutdown response into a ~21 ms measurement.
    /// </summary>
    private static bool WaitGone(int pid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (HostProcesses.IsAlive(pid))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }

    private static (long RssKb, int Threads) Status(int pid)
    {
        long rss = -1;
        int threads = -1;
        foreach (string line in File.ReadAllLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            }
        }

        return (rss, threads);
    }

    private static long Pss(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
