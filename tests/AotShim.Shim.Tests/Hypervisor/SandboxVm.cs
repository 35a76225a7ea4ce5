using System.Net.Sockets;
using AotShim.Native;
using AotShim.Qmp;
using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;
using AotShim.Shim.Hypervisor.Qemu;

namespace AotShim.Shim.Tests.Hypervisor;

/// <summary>
/// A real QEMU started from the builder's argv through the launcher, with the QMP listening socket passed as
/// fd 3 and the client connected. Everything (process, VM directory, sockets) goes away on dispose.
/// </summary>
internal sealed class SandboxVm : IAsyncDisposable
{
    private readonly TempDirectory _scratch = new();
    private readonly Socket _listener;
    private readonly Socket _consoleSocket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private Task _console = Task.CompletedTask;

    private SandboxVm(SandboxFacts facts, Socket listener)
    {
        Facts = facts;
        _listener = listener;
    }

    public SandboxFacts Facts { get; }

    public QemuProcess Process { get; private set; } = null!;

    public QmpClient Qmp { get; private set; } = null!;

    public string LogPath => Path.Combine(_scratch.Path, "qemu.log");

    public string Scratch => _scratch.Path;

    public string ConsolePath => Path.Combine(_scratch.Path, "console.log");

    /// <summary>
    /// Builds, launches and connects; <paramref name="adjust"/> edits the argv (e.g. drop the kernel, add -S),
    /// <paramref name="host"/> the host facts the builder sees (e.g. more CPUs than this machine has, for maxcpus).
    /// </summary>
    public static async Task<SandboxVm> StartAsync(
        Configuration configuration,
        Kvm.HostArchitecture architecture,
        Func<IReadOnlyList<string>, IReadOnlyList<string>>? adjust = null,
        Func<HostFacts, HostFacts>? host = null)
    {
        string id = "ecr-test-" + Guid.NewGuid().ToString("N")[..12];
        var facts = new SandboxFacts
        {
            Id = id,
            Uuid = Guid.NewGuid(),
            Host = (host ?? (h => h))(HostFactsProbe.Detect() with { Architecture = architecture }),
            Agent = new SerialAgentChannel(new VmPaths(id).AgentSocket),
            Qmp = new QmpEndpoint(null, 3),
        };
        Directory.CreateDirectory(facts.Paths.Directory);
        if (configuration.Hypervisor.SharedFs == "virtio-9p")
        {
            // QEMU's -fsdev local needs the exported directory to exist.
            Directory.CreateDirectory(facts.Paths.SharedDirectory);
        }
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var vm = new SandboxVm(facts, listener);
        try
        {
            string qmpPath = Path.Combine(vm.Scratch, "qmp.sock");
            listener.Bind(new UnixDomainSocketEndPoint(qmpPath));
            listener.Listen(1);
            QemuCommandLine line = QemuCommandLineBuilder.Build(configuration, facts);
            IReadOnlyList<string> arguments = adjust is null ? line.Arguments : adjust(line.Arguments);
            TestContext.Current.TestOutputHelper?.WriteLine($"{line.Binary} {string.Join(' ', arguments)}");
            vm.Process = QemuLauncher.Start(new QemuLaunchSpec(line.Binary, arguments, [new FdMapping(listener.SafeHandle, 3)], vm.LogPath));
            vm.Qmp = await QmpClient.ConnectAsync(qmpPath);
            vm._console = vm.CaptureConsoleAsync();
            return vm;
        }
        catch
        {
            await vm.DisposeAsync();
            throw;
        }
    }

    /// <summary>An arm64 virt VM under TCG with no kernel to run: enough for QMP, not for a guest.</summary>
    public static QemuConfig Arm64VirtWithoutGuest => new()
    {
        Path = "/usr/bin/qemu-system-aarch64",
        MachineType = "virt",
        Accelerator = "tcg",
        Kernel = "/dev/null",
        SharedFs = "none",
        DefaultMemory = 512,
        DefaultMaxVcpus = 2,
        PcieRootPort = 1,
    };

    /// <summary>The builder's argv without the guest kernel and paused (-S): QEMU without a guest.</summary>
    public static IReadOnlyList<string> WithoutGuest(IReadOnlyList<string> arguments)
    {
        var kept = new List<string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "-kernel" or "-initrd" or "-append")
            {
                i++;
                continue;
            }

            kept.Add(arguments[i]);
        }

        kept.Add("-S");
        return kept;
    }

    /// <summary>The guest's hvc0 output, kept for the test's output when something fails.</summary>
    private async Task CaptureConsoleAsync()
    {
        await _consoleSocket.ConnectAsync(new UnixDomainSocketEndPoint(Facts.Paths.ConsoleSocket));
        // Shared for reading: tests watch the console while it is captured.
        await using var log = new FileStream(ConsolePath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);
        await using var stream = new NetworkStream(_consoleSocket, ownsSocket: false);
        try
        {
            await stream.CopyToAsync(log);
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Qmp is not null)
        {
            await Qmp.DisposeAsync();
        }

        if (Process is not null)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(Process.Exited.IsCompleted ? $"qemu exited with {Process.Exited.Result}" : "qemu still running");
            await Process.DisposeAsync();
        }

        _listener.Dispose();
        _consoleSocket.Dispose();
        await _console.ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var (name, path) in new[] { ("qemu log", LogPath), ("guest console", ConsolePath) })
        {
            if (File.Exists(path))
            {
                // QEMU's and the guest's own words are what explain a failed test; keep them in its output.
                TestContext.Current.TestOutputHelper?.WriteLine($"{name}:\n{File.ReadAllText(path)}");
            }
        }

        Directory.Delete(Facts.Paths.Directory, recursive: true);
        if (Directory.Exists(Facts.Paths.ShareRoot))
        {
            Directory.Delete(Facts.Paths.ShareRoot, recursive: true);
        }

        _scratch.Dispose();
    }
}
