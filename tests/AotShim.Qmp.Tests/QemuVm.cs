using System.Diagnostics;
using System.Text;

namespace AotShim.Qmp.Tests;

/// <summary>
/// A real QEMU started with -S (no guest code ever runs) under TCG, QMP on a socket in the test's temp directory;
/// disposing kills it if still running and waits for it, so no test leaves a QEMU behind.
/// </summary>
internal sealed class QemuVm : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private QemuVm(Process process, string qmpSocket)
    {
        _process = process;
        QmpSocket = qmpSocket;
    }

    public string QmpSocket { get; }

    public Process Process => _process;

    /// <summary>What QEMU printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>q35 with room for 3 more vCPUs and 4 dimms, and an empty pcie-root-port rp0 for PCI hotplug.</summary>
    public static QemuVm StartX86(TempDirectory directory, params string[] extra) => Start(
        "qemu-system-x86_64",
        directory,
        ["-machine", "q35,accel=tcg", "-cpu", "qemu64", "-smp", "1,maxcpus=4", "-m", "256M,slots=4,maxmem=2G",
         "-device", "pcie-root-port,id=rp0,bus=pcie.0,chassis=1", .. extra]);

    /// <summary>arm64 virt as the shim starts it, GICv3 and -cpu max, plus a pcie-root-port rp0.</summary>
    public static QemuVm StartArm64(TempDirectory directory) => Start(
        "qemu-system-aarch64",
        directory,
        ["-machine", "virt,accel=tcg,gic-version=3", "-cpu", "max", "-smp", "1,maxcpus=4", "-m", "256M,slots=4,maxmem=2G",
         "-device", "pcie-root-port,id=rp0,bus=pcie.0,chassis=1"]);

    public async Task<QmpClient> ConnectAsync() =>
        await QmpClient.ConnectAsync(QmpSocket, new QmpClientOptions { CommandTimeout = TimeSpan.FromSeconds(20) }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(CancellationToken.None);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static QemuVm Start(string binary, TempDirectory directory, string[] machine)
    {
        string path = Path.Combine("/usr/bin", binary);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: ./build.sh test installs qemu-system-x86 and qemu-system-arm", path);
        }

        string socket = Path.Combine(directory.Path, "qmp.sock");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])[.. machine, "-S", "-nodefaults", "-nographic", "-no-user-config", "-qmp", $"unix:{socket},server=on,wait=off"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var vm = new QemuVm(process, socket);
        process.OutputDataReceived += (_, e) => vm.Append(e.Data);
        process.ErrorDataReceived += (_, e) => vm.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return vm;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
