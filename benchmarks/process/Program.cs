using System.Globalization;
using System.Text;
using AotShim.EndToEnd.Tests.Containerd;
using AotShim.ProcessBenchmarks;

// Whole-process shim benchmark: one private containerd, any number of shims side by side.
// Usage: see Usage below and README.md.
const string Usage = """
    usage: AotShim.ProcessBenchmarks [--shim PATH --runtime NAME [--label TEXT]]... [options]
      --shim PATH       a containerd shim v2 binary (repeat --shim/--runtime pairs to compare shims in one run)
      --runtime NAME    its runtime name, e.g. io.containerd.runc.v2, io.containerd.ecr.v2
      --label TEXT      column title (default: the binary's file name)
      --start-only      this shim skips the `ctr run` rounds (e.g. a VM shim without a guest configured)
      -n, --runs N      measured `start` cycles per shim (default 10; one warm-up more)
      --ctr-runs N      measured `ctr run --rm IMG ID /bin/true` per shim (default: --runs; 0 skips)
      --settle-ms MS    idle time before sampling the shim server's memory (default 500)
      --out FILE        also write the results table (markdown) to FILE
    With no --shim: /usr/bin/containerd-shim-runc-v2 as io.containerd.runc.v2.
    """;

var shims = new List<(string Binary, string? Runtime, string? Label, bool StartOnly)>();
int runs = 10, settleMs = 500;
int? ctrRuns = null;
string? outFile = null;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--shim": shims.Add((Path.GetFullPath(Next()), null, null, false)); break;
        case "--runtime" when shims.Count > 0: shims[^1] = shims[^1] with { Runtime = Next() }; break;
        case "--label" when shims.Count > 0: shims[^1] = shims[^1] with { Label = Next() }; break;
        case "--start-only" when shims.Count > 0: shims[^1] = shims[^1] with { StartOnly = true }; break;
        case "-n" or "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--ctr-runs": ctrRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--settle-ms": settleMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--out": outFile = Next(); break;
        case "-h" or "--help": Console.WriteLine(Usage); return 0;
        default: Console.Error.WriteLine($"unknown or misplaced argument '{args[i]}'\n{Usage}"); return 2;
    }
}

if (shims.Count == 0)
{
    shims.Add(("/usr/bin/containerd-shim-runc-v2", "io.containerd.runc.v2", null, false));
}

if (shims.FindIndex(s => s.Runtime is null) is var noRuntime and >= 0)
{
    Console.Error.WriteLine($"--shim {shims[noRuntime].Binary} has no --runtime\n{Usage}");
    return 2;
}

if (!Environment.IsPrivilegedProcess)
{
    Console.Error.WriteLine("needs root (containerd, mounts)");
    return 1;
}

var options = new PrivateContainerdOptions
{
    LogLevel = "info",
    Shims = shims.GroupBy(s => s.Runtime!).ToDictionary(g => g.Key, g => g.First().Binary),
};
await using PrivateContainerd containerd = await PrivateContainerd.StartAsync(options);
var columns = shims.Select(s => new Shim(s.Label ?? Path.GetFileName(s.Binary), s.Runtime!, s.Binary,
    Path.Combine(containerd.BinDirectory, PrivateContainerd.ShimBinaryName(s.Runtime!)), s.StartOnly)).ToList();
Ctr ctr = containerd.Ctr(columns[0].Runtime);
await BusyboxImage.ImportAsync(ctr);
string spec = (await ctr.RunAsync("oci", "spec")).EnsureSuccess().Stdout;
string serverVersion = (await ctr.RunAsync("version")).Stdout.Split('\n').SkipWhile(l => !l.StartsWith("Server", StringComparison.Ordinal))
    .FirstOrDefault(l => l.Contains("Version", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?";

var starts = columns.ToDictionary(c => c, _ => new List<StartSample>());
var ctrTimes = columns.ToDictionary(c => c, _ => new List<double>());
var failures = columns.ToDictionary(c => c, _ => new List<string>());
var startBroken = new HashSet<Shim>(); // a shim whose start failed before ever succeeding is not retried

double overhead = await ShimProbe.ExecOverheadAsync(20);
Console.Error.WriteLine($"containerd {serverVersion} in {containerd.Directory} ({containerd.Snapshotter}); {runs} start cycles and {ctrRuns ?? runs} ctr runs per shim, interleaved, +1 warm-up each");
// Interleaved rounds (round 0 is the warm-up), so drift on the machine hits every shim alike.
for (int round = 0; round <= runs; round++)
{
    foreach (Shim shim in columns.Where(c => !startBroken.Contains(c)))
    {
        string id = $"bs{columns.IndexOf(shim)}-{round}-{Guid.NewGuid().ToString("N")[..6]}";
        try
        {
            StartSample sample = await ShimProbe.RunAsync(containerd, shim, id, spec, TimeSpan.FromMilliseconds(settleMs));
            if (round > 0)
            {
                starts[shim].Add(sample);
            }
        }
        catch (Exception e)
        {
            failures[shim].Add($"start: {e.Message}");
            Console.Error.WriteLine($"{shim.Label}: {e.Message}");
            if (starts[shim].Count == 0)
            {
                startBroken.Add(shim);
            }
        }
    }
}

for (int round = 0; round <= (ctrRuns ?? runs) && (ctrRuns ?? runs) > 0; round++)
{
    foreach (Shim shim in columns.Where(c => !c.StartOnly))
    {
        string id = $"br{columns.IndexOf(shim)}-{round}-{Guid.NewGuid().ToString("N")[..6]}";
        CommandResult run = await containerd.Ctr(shim.Runtime).RunRmAsync(BusyboxImage.Name, id, "/bin/true");
        if (!run.Succeeded)
        {
            if (failures[shim].All(f => !f.StartsWith("ctr run", StringComparison.Ordinal)))
            {
                failures[shim].Add($"ctr run: exit {run.ExitCode}: {run.Stderr.Trim().Split('\n')[^1]}");
            }

            // A failed run can leave its task/container: clear them for the next round.
            await containerd.Ctr(shim.Runtime).RunAsync("task", "delete", "--force", id);
            await containerd.Ctr(shim.Runtime).RunAsync("container", "rm", id);
        }
        else if (round > 0)
        {
            ctrTimes[shim].Add(run.Elapsed.TotalMilliseconds);
        }
    }
}

// ---- report ----
static double Median(IEnumerable<double> values)
{
    double[] sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN
        : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

string Ms(IEnumerable<double> values) => values.Any() ? Median(values).ToString("F1", CultureInfo.InvariantCulture) + " ms" : "-";
string Range(IEnumerable<double> values) => values.Any()
    ? string.Create(CultureInfo.InvariantCulture, $"{values.Min():F1} / {values.Max():F1}")
    : "-";
string Mb(IEnumerable<long> kb) => kb.Any(k => k >= 0) ? (Median(kb.Where(k => k >= 0).Select(k => (double)k)) / 1024).ToString("F1", CultureInfo.InvariantCulture) + " MiB" : "-";

var rows = new List<(string Metric, Func<Shim, string> Value)>
{
    ("runtime", s => s.Runtime),
    ("binary size", s => (new FileInfo(s.Binary).Length / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB"),
    ($"`start` until the address is printed (median of {runs})", s => Ms(starts[s].Select(x => x.ToAddressMs))),
    ("`start` until it exits, stdout closed (median)", s => Ms(starts[s].Select(x => x.ToExitMs))),
    ("`start` until exit, min / max (ms)", s => Range(starts[s].Select(x => x.ToExitMs))),
    ($"idle server VmRSS after {settleMs} ms (median)", s => Mb(starts[s].Select(x => x.RssKb))),
    ("idle server Pss (median)", s => Mb(starts[s].Select(x => x.PssKb))),
    ("idle server threads (median)", s => starts[s].Count > 0 ? Median(starts[s].Select(x => (double)x.Threads)).ToString(CultureInfo.InvariantCulture) : "-"),
    ("TTRPC Shutdown until the server is gone (median)", s => Ms(starts[s].Select(x => x.ShutdownMs))),
    ("`delete` (median)", s => Ms(starts[s].Select(x => x.DeleteMs))),
    ("`delete` exit status after a start-only cycle", s => starts[s].Count == 0 ? "-"
        : string.Join("; ", starts[s].Select(x => x.DeleteExit == 0 ? "0" : $"{x.DeleteExit} ({x.DeleteError})").Distinct())),
    ($"`ctr run --rm IMG ID /bin/true` wall (median of {ctrRuns ?? runs})", s => s.StartOnly ? "not run" : Ms(ctrTimes[s])),
    ("`ctr run --rm`, min / max (ms)", s => s.StartOnly ? "not run" : Range(ctrTimes[s])),
    ("problems", s => failures[s].Count == 0 ? "none" : string.Join("; ", failures[s].Distinct().Take(3)).Replace('|', '/')),
};

var table = new StringBuilder();
table.AppendLine($"containerd {serverVersion}, {containerd.Snapshotter} snapshotter, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {Environment.ProcessorCount} CPUs, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
table.AppendLine(string.Create(CultureInfo.InvariantCulture,
    $"Harness overhead in every `start` time (spawn + drain + wait of /bin/true the same way): {overhead:F1} ms median."));
table.AppendLine();
table.AppendLine("| metric | " + string.Join(" | ", columns.Select(c => c.Label)) + " |");
table.AppendLine("|---|" + string.Concat(columns.Select(_ => "---|")));
foreach (var (metric, value) in rows)
{
    table.AppendLine($"| {metric} | " + string.Join(" | ", columns.Select(value)) + " |");
}

Console.WriteLine(table);
if (outFile is not null)
{
    File.WriteAllText(outFile, table.ToString());
}

return columns.All(c => starts[c].Count > 0) ? 0 : 1;
