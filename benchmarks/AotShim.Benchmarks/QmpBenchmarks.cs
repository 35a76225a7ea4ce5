using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AotShim.Qmp;
using BenchmarkDotNet.Attributes;

namespace AotShim.Benchmarks;

/// <summary>
/// QMP query-status round trip against a real QEMU (TCG, paused, no guest): the project's pipelined client next
/// to the common approach (StreamReader lines + JsonDocument) on a second QMP socket of the same QEMU.
/// </summary>
[MemoryDiagnoser]
public class QmpBenchmarks
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ecr-bench-qmp-").FullName;
    private Process _qemu = null!;
    private QmpClient _client = null!;
    private Socket _naiveSocket = null!;
    private StreamReader _naiveReader = null!;
    private Stream _naiveStream = null!;
    private static readonly byte[] QueryStatus = Encoding.UTF8.GetBytes("{\"execute\":\"query-status\"}\n");

    [GlobalSetup]
    public async Task Setup()
    {
        string pipelined = Path.Combine(_directory, "qmp.sock"), naive = Path.Combine(_directory, "qmp2.sock");
        _qemu = Process.Start(new ProcessStartInfo("/usr/bin/qemu-system-x86_64",
            ["-machine", "q35,accel=tcg", "-S", "-nodefaults", "-nographic", "-no-user-config", "-m", "128M",
             "-qmp", $"unix:{pipelined},server=on,wait=off", "-qmp", $"unix:{naive},server=on,wait=off"])
        { RedirectStandardError = true })!;
        _client = await QmpClient.ConnectAsync(pipelined);

        _naiveSocket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        for (int i = 0; !_naiveSocket.Connected; i++)
        {
            try
            {
                await _naiveSocket.ConnectAsync(new UnixDomainSocketEndPoint(naive));
            }
            catch (SocketException) when (i < 100)
            {
                await Task.Delay(50);
            }
        }

        _naiveStream = new NetworkStream(_naiveSocket);
        _naiveReader = new StreamReader(_naiveStream);
        await _naiveReader.ReadLineAsync();
        await _naiveStream.WriteAsync(Encoding.UTF8.GetBytes("{\"execute\":\"qmp_capabilities\"}\n"));
        await _naiveReader.ReadLineAsync();
        if ((await _client.QueryStatusAsync()).Status != "prelaunch" || await NaiveQueryStatus() != "prelaunch")
        {
            throw new InvalidOperationException("QEMU is not paused before launch");
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<string> NaiveQueryStatus()
    {
        await _naiveStream.WriteAsync(QueryStatus);
        using JsonDocument reply = JsonDocument.Parse((await _naiveReader.ReadLineAsync())!);
        return reply.RootElement.GetProperty("return").GetProperty("status").GetString()!;
    }

    [Benchmark]
    public async Task<string> PipelinedQueryStatus() => (await _client.QueryStatusAsync()).Status;

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _client.DisposeAsync();
        _naiveSocket.Dispose();
        _qemu.Kill();
        await _qemu.WaitForExitAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
