using System.Globalization;
using System.Text;
using AotShim.EndToEnd.Tests.Containerd;
using AotShim.EndToEnd.Tests.Vm;
using AotShim.PodBenchmarks;
using AotShim.Testing;

// One pod start = `ctr run --rm IMG ID true` through io.containerd.ecr.v2; the shim logs its phase trace per start.
const string Usage = """
    usage: AotShim.PodBenchmarks [--shim PATH] [-n RUNS] [--no-warmup] [--command TEXT] [--network MODEL] [--out FILE]
      --shim PATH     containerd-shim-ecr-v2 (default: out/linux-x64/containerd-shim-ecr-v2)
      -n RUNS         measured pod starts (default 10)
      --no-warmup     skip the unmeasured first start
      --command TEXT  what each pod runs (/bin/sh -c TEXT; default: true); its output is printed
      --network MODEL each pod joins a CNI-style namespace (veth with an address and a default route, made with ip)
                      connected per internetworking_model MODEL (tcfilter or macvtap)
      --out FILE      also write the results table (markdown) to FILE
    Needs root, containerd, QEMU and the x64 test guest (./build.sh test or ./build.sh guest builds it).
    """;

string shim = Path.Combine(Repo.Root, "out", "linux-x64", "containerd-shim-ecr-v2");
int runs = 10;
bool warmup = true;
string? command = null;
string? outFile = null;
string? network = null;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--shim": shim = Path.GetFullPath(Next()); break;
        case "-n": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--no-warmup": warmup = false; break;
        case "--command": command = Next(); break;
        case "--out": outFile = Next(); break;
        case "--network": network = Next(); break;
        case "-h" or "--help": Console.WriteLine(Usage); return 0;
        default: Console.Error.WriteLine($"unknown argument '{args[i]}'\n{Usage}"); return 2;
    }
}

string scratch = Directory.CreateTempSubdirectory("ecr-podbench-").FullName;
try
{
    await using CniNetwork? cni = network is null ? null : await CniNetwork.CreateAsync();
    string config = network is null ? VmTestConfig.Write(scratch, "x64") : VmTestConfig.Write(scratch, "x64", runtimeKeys: $"internetworking_model = \"{network}\"");
    var options = new PrivateContainerdOptions
    {
        LogLevel = "info",
        Shims = new Dictionary<string, string> { ["io.containerd.ecr.v2"] = shim },
        Environment = new Dictionary<string, string> { ["ECR_CONF_FILE"] = config },
    };
    await using PrivateContainerd containerd = await PrivateContainerd.StartAsync(options);
    Ctr ctr = containerd.Ctr("io.containerd.ecr.v2");
    await BusyboxImage.ImportAsync(ctr);

    var walls = new List<double>();
    for (int run = warmup ? 0 : 1; run <= runs; run++)
    {
        string id = $"{(run == 0 ? "warmup" : "pod")}-{run}-{Guid.NewGuid().ToString("N")[..6]}";
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        CommandResult result = await ctr.RunContainerAsync(new CtrRun(BusyboxImage.Name, id, command is null ? ["true"] : ["/bin/sh", "-c", command])
        {
            Remove = true,
            ExtraArgs = cni is null ? [] : ["--with-ns", "network:" + cni.PodNetnsPath],
        });
        double wall = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!result.Succeeded)
        {
            Console.Error.WriteLine($"run {run} failed: {result}");
            return 1;
        }

        if (run > 0)
        {
            walls.Add(wall);
        }

        Console.Error.WriteLine($"run {run}: {wall:0} ms");
        if (command is not null)
        {
            Console.Write(result.Stdout);
        }
    }

    List<IReadOnlyDictionary<string, double>> samples = [.. PhaseLine.Read(containerd.LogPath, "pod-")];
    if (samples.Count != runs)
    {
        Console.Error.WriteLine($"expected {runs} phase lines in {containerd.LogPath}, found {samples.Count}");
        return 1;
    }

    // Everything the shim does itself: the rest is QEMU starting, the guest booting and the agent working.
    string[] shimOwn = ["config", "dirs", "netns", "qemu_exec", "rootfs", "resources"];
    string[] order = ["config", "dirs", "netns", "qemu_exec", "qmp_ready", "agent_ready", "network", "create_sandbox", "rootfs", "resources", "create_container", "start_container", "total"];
    var table = new StringBuilder();
    table.AppendLine($"| phase (median of {runs}) | median ms | min ms | max ms | whose time |");
    table.AppendLine("|---|---|---|---|---|");
    foreach (string phase in order.Where(p => samples.Any(s => s.ContainsKey(p))))
    {
        double[] values = [.. samples.Select(s => s.GetValueOrDefault(phase)).Order()];
        string whose = shimOwn.Contains(phase) ? "shim" : phase switch
        {
            "qmp_ready" => "QEMU start-up",
            "agent_ready" => "guest boot (TCG)",
            "total" => "all",
            _ => "agent RPC",
        };
        table.AppendLine(CultureInfo.InvariantCulture, $"| {phase} | {Median(values):0.00} | {values[0]:0.00} | {values[^1]:0.00} | {whose} |");
    }

    double[] own = [.. samples.Select(s => shimOwn.Sum(p => s.GetValueOrDefault(p))).Order()];
    table.AppendLine(CultureInfo.InvariantCulture, $"| **shim's own share** ({string.Join(" + ", shimOwn.Where(p => samples.Any(s => s.ContainsKey(p))))}) | **{Median(own):0.00}** | {own[0]:0.00} | {own[^1]:0.00} | shim |");
    if (cni is not null && network == "tcfilter")
    {
        var iproute = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            iproute.Add(await IprouteTcFilter.SetUpOnceAsync(cni));
        }

        double[] peer = [.. iproute.Order()];
        table.AppendLine(CultureInfo.InvariantCulture, $"| peer: the netns phase's tap, qdiscs and filters by `ip`/`tc` commands | {Median(peer):0.00} | {peer[0]:0.00} | {peer[^1]:0.00} | iproute2 |");
    }

    double[] wallSorted = [.. walls.Order()];
    table.AppendLine(CultureInfo.InvariantCulture, $"| `ctr run --rm IMG ID {(command is null ? "true" : "sh -c ...")}` wall | {Median(wallSorted):0.0} | {wallSorted[0]:0.0} | {wallSorted[^1]:0.0} | all, incl. ctr and teardown |");
    Console.Write(table);
    if (outFile is not null)
    {
        File.WriteAllText(outFile, table.ToString());
    }

    return 0;
}
finally
{
    Directory.Delete(scratch, recursive: true);
}

static double Median(double[] sorted) => sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
