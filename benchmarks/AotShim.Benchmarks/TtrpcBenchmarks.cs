using System.Diagnostics;
using System.Net.Sockets;
using AotShim.ProcessBenchmarks;
using AotShim.Shim.Sandbox;
using AotShim.Shim.Tasks;
using AotShim.Shim.Ttrpc;
using BenchmarkDotNet.Attributes;
using Containerd.Task.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Benchmarks;

/// <summary>
/// TTRPC request/response over a unix socket with the project's <see cref="TtrpcClient"/>, against (1) our
/// <see cref="TtrpcServer"/> serving containerd.task.v2.Task over a fake sandbox holding one running container, and
/// (2) Debian's containerd-shim-runc-v2 server, started as containerd starts it (no containerd needed for `start`).
/// Round trip: one call awaited at a time. Throughput: <see cref="Concurrency"/> calls in flight on the one
/// connection, reported per call.
/// </summary>
[MemoryDiagnoser]
public class TtrpcBenchmarks
{
    public const int Concurrency = 64;
    private const string RuncShim = "/usr/bin/containerd-shim-runc-v2";
    private const string Service = TaskServiceMethods.Service;
    private const string ContainerId = "bench";

    private readonly string _directory = Directory.CreateTempSubdirectory("ecr-bench-ttrpc-").FullName;
    private readonly string _runcId = "ttrpc-bench-" + Guid.NewGuid().ToString("N")[..12];
    private readonly ValueTask<ConnectResponse>[] _burst = new ValueTask<ConnectResponse>[Concurrency];
    private readonly ConnectRequest _connect = new() { Id = ContainerId };
    private readonly StateRequest _state = new() { Id = ContainerId };

    private TtrpcServer _server = null!;
    private TtrpcClient _ours = null!;
    private TtrpcClient _runc = null!;
    private ShimLogFifo? _runcLog;
    private string _runcSocket = "";

    [GlobalSetup]
    public async Task Setup()
    {
        // (1) Our server, on a socket of our own.
        string socketPath = Path.Combine(_directory, "ours.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(128);
        _server = new TtrpcServer();
        TaskServiceMethods.Register(_server, new TaskService(new FakeSandbox(), new NoEvents(), () => { }));
        _ = _server.ServeAsync(listener);
        _ours = await TtrpcClient.ConnectAsync(socketPath);
        await _ours.CallAsync(Service, "Create", new CreateTaskRequest { Id = ContainerId, Bundle = _directory }, CreateTaskResponse.Parser);
        await _ours.CallAsync(Service, "Start", new StartRequest { Id = ContainerId }, StartResponse.Parser);
        StateResponse state = await OursState();
        if (state.Status != Containerd.V1.Types.Status.Running || state.Pid != FakeProcess.FakePid)
        {
            throw new InvalidOperationException($"our server's State: {state}");
        }

        // (2) The runc shim: `start` in a bundle as containerd prepares it, then its server on the printed address.
        _runcSocket = await StartRuncShimAsync();
        _runc = await TtrpcClient.ConnectAsync(_runcSocket);
        ConnectResponse runcConnect = await RuncConnect();
        Console.WriteLine($"// runc shim Connect{{id={ContainerId}}} -> {runcConnect}");
        try
        {
            Console.WriteLine($"// runc shim State{{id={ContainerId}}} -> {await _runc.CallAsync(Service, "State", _state, StateResponse.Parser)}");
        }
        catch (TtrpcException e)
        {
            Console.WriteLine($"// runc shim State{{id={ContainerId}}} -> {e.Message}");
        }

        Console.WriteLine($"// our server Connect{{id={ContainerId}}} -> {await OursConnect()}");
        Console.WriteLine($"// our server State{{id={ContainerId}}} -> {state}");
    }

    [Benchmark(Baseline = true, Description = "ours: Connect")]
    public ValueTask<ConnectResponse> OursConnect() => _ours.CallAsync(Service, "Connect", _connect, ConnectResponse.Parser);

    [Benchmark(Description = "ours: State")]
    public ValueTask<StateResponse> OursState() => _ours.CallAsync(Service, "State", _state, StateResponse.Parser);

    [Benchmark(Description = "runc-v2: Connect")]
    public ValueTask<ConnectResponse> RuncConnect() => _runc.CallAsync(Service, "Connect", _connect, ConnectResponse.Parser);

    [Benchmark(OperationsPerInvoke = Concurrency, Description = "ours: Connect x64 in flight")]
    public ValueTask<uint> OursConnectConcurrent() => Burst(_ours);

    [Benchmark(OperationsPerInvoke = Concurrency, Description = "runc-v2: Connect x64 in flight")]
    public ValueTask<uint> RuncConnectConcurrent() => Burst(_runc);

    private async ValueTask<uint> Burst(TtrpcClient client)
    {
        for (int i = 0; i < _burst.Length; i++)
        {
            _burst[i] = client.CallAsync(Service, "Connect", _connect, ConnectResponse.Parser);
        }

        uint sum = 0;
        for (int i = 0; i < _burst.Length; i++)
        {
            sum += (await _burst[i]).ShimPid;
        }

        return sum;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_runc is not null)
        {
            try
            {
                // As containerd at teardown: the server exits, possibly before its reply goes out.
                await _runc.CallAsync(Service, "Shutdown", new ShutdownRequest { Id = _runcId, Now = true }, Empty.Parser,
                    TimeSpan.FromSeconds(5));
            }
            catch (TtrpcException)
            {
            }

            await _runc.DisposeAsync();
        }

        foreach (int pid in RuncServerPids())
        {
            using Process process = Process.GetProcessById(pid);
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }

        _runcLog?.Dispose();
        if (_runcSocket.Length > 0)
        {
            File.Delete(_runcSocket);
        }

        if (_ours is not null)
        {
            await _ours.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    // `containerd-shim-runc-v2 -namespace NS -address GRPC -publish-binary containerd -id ID start` with cwd = a bundle
    // (config.json from `ctr oci spec`, rootfs/, the `log` fifo drained), stdin empty, TTRPC_ADDRESS and GOMAXPROCS set as
    // containerd 1.6 sets them. Nothing listens on the addresses: `start` and the server only use them to name the
    // socket (/run/containerd/s/HASH) and to publish events, which State/Connect never do.
    private async Task<string> StartRuncShimAsync()
    {
        string bundle = Path.Combine(_directory, "bundle");
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs"));
        File.WriteAllText(Path.Combine(bundle, "config.json"), await RunAsync("/usr/bin/ctr", ["oci", "spec"], bundle, []));
        _runcLog = new ShimLogFifo(bundle);
        string grpc = Path.Combine(_directory, "containerd.sock");
        string address = (await RunAsync(RuncShim,
            ["-namespace", "ecr-bench", "-address", grpc, "-publish-binary", "/usr/bin/containerd", "-id", _runcId, "start"],
            bundle,
            new()
            {
                ["TTRPC_ADDRESS"] = grpc + ".ttrpc",
                ["GOMAXPROCS"] = Math.Max(4, Environment.ProcessorCount).ToString(System.Globalization.CultureInfo.InvariantCulture),
            })).Trim();
        if (!address.StartsWith("unix://", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"runc shim start printed '{address}'; log: {_runcLog.Text}");
        }

        return address["unix://".Length..];
    }

    private static async Task<string> RunAsync(string file, string[] args, string cwd, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = cwd,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        }

        return stdout;
    }

    // The daemon `start` left behind: a live runc shim whose argv names our id.
    private List<int> RuncServerPids()
    {
        var pids = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                string[] argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (argv[0] == RuncShim && argv.Contains(_runcId))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // exited meanwhile
            }
        }

        return pids;
    }

    private sealed class NoEvents : ITaskEventPublisher
    {
        public void Publish(string topic, IMessage taskEvent)
        {
        }
    }

    private sealed class FakeSandbox : ISandbox
    {
        public ValueTask<IContainer> CreateContainerAsync(ContainerRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IContainer>(new FakeContainer(request.Id));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FakeContainer(string id) : IContainer
    {
        public string Id => id;

        public IProcess Init { get; } = new FakeProcess(id);

        public ValueTask<IProcess> ExecAsync(ExecRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask PauseAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask ResumeAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<int>> PidsAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<int>>([FakeProcess.FakePid]);

        public ValueTask UpdateAsync(ReadOnlyMemory<byte> resourcesJson, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<Any> StatsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DeleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class FakeProcess(string id) : IProcess
    {
        public const int FakePid = 4242;
        private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Id => id;

        public int Pid { get; private set; }

        public Task<ProcessExit> Exited => _exited.Task;

        public ValueTask StartAsync(CancellationToken cancellationToken)
        {
            Pid = FakePid;
            return ValueTask.CompletedTask;
        }

        public ValueTask KillAsync(int signal, bool all, CancellationToken cancellationToken)
        {
            _exited.TrySetResult(new ProcessExit(128 + (uint)signal, DateTimeOffset.UtcNow));
            return ValueTask.CompletedTask;
        }

        public ValueTask ResizePtyAsync(uint width, uint height, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseStdinAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
