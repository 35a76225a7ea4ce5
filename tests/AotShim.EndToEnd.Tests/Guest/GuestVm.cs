using System.IO.Pipes;
using System.Text;
using AotShim.Native;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>
/// The test guest (out/guest/ARCH, ./build.sh test builds it) booted under QEMU TCG as the shim will boot it for
/// the agent: virtio-serial port agent.channel.0 on a chardev socket, a virtio-9p share tagged kataShared, a
/// virtio-rng (the agent's runtime needs the kernel's CRNG ready), plus whatever devices a test adds (a NIC on tap
/// fds). QEMU is spawned through src/Native so those fds reach it at chosen numbers. Disposing kills QEMU, waits
/// for it and removes the scratch directory, so nothing is left behind.
/// </summary>
internal sealed class GuestVm : IAsyncDisposable
{
    public const string ShareTag = "kataShared";

    private static readonly TimeSpan BootLimit = TimeSpan.FromSeconds(90);

    private readonly ChildProcess _qemu;
    private readonly Task _output;
    private readonly StringBuilder _console = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GuestVm(string arch, string guest, TempDirectory scratch, string? share, ChildProcess qemu, AnonymousPipeServerStream output)
    {
        Arch = arch;
        Guest = guest;
        Scratch = scratch;
        Share = share ?? Path.Combine(scratch.Path, "share");
        _qemu = qemu;
        _output = ReadLinesAsync(output);
    }

    public string Arch { get; }

    /// <summary>The guest build directory (kernel, initrd, busybox, guest.env).</summary>
    public string Guest { get; }

    public TempDirectory Scratch { get; }

    /// <summary>The host side of the 9p share the guest mounts from tag <see cref="ShareTag"/>.</summary>
    public string Share { get; }

    public string AgentSocket => Path.Combine(Scratch.Path, "agent.sock");

    /// <summary>What the guest printed on its serial console so far, for failure messages.</summary>
    public string Console
    {
        get
        {
            lock (_console)
            {
                return _console.ToString();
            }
        }
    }

    /// <summary>Boots the guest (with what <paramref name="options"/> adds) and returns once its agent said ECR-GUEST-READY (so host writes are never lost).</summary>
    public static async Task<GuestVm> BootAsync(string arch, CancellationToken ct, GuestVmOptions? options = null)
    {
        options ??= new GuestVmOptions();
        string guest = Repo.Guest(arch);
        Dictionary<string, string> env = GuestEnv(guest);
        string qemu = Path.Combine("/usr/bin", env["ECR_GUEST_QEMU"]);
        if (!File.Exists(qemu))
        {
            throw new FileNotFoundException($"{qemu} is missing: ./build.sh test installs qemu-system-x86 and qemu-system-arm", qemu);
        }

        var scratch = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(scratch.Path, "share"));
        var output = new AnonymousPipeServerStream(PipeDirection.In);
        ChildProcess process;
        try
        {
            process = ProcessSpawner.Spawn(new SpawnOptions(qemu, [qemu, .. Arguments(guest, env, scratch.Path, options)])
            {
                StandardOutput = output.ClientSafePipeHandle,
                StandardError = output.ClientSafePipeHandle,
                Fds = options.Fds,
            });
        }
        catch
        {
            output.Dispose();
            scratch.Dispose();
            throw;
        }

        output.DisposeLocalCopyOfClientHandle();
        var vm = new GuestVm(arch, guest, scratch, options.Share, process, output);
        try
        {
            Task first = await Task.WhenAny(vm._ready.Task, process.Exited, Task.Delay(BootLimit, ct));
            if (first != vm._ready.Task)
            {
                ct.ThrowIfCancellationRequested();
                throw new TimeoutException($"the {arch} guest did not say ECR-GUEST-READY within {BootLimit.TotalSeconds} s"
                    + (process.Exited.IsCompleted ? $" (QEMU exited {process.Exited.Result})" : "") + "; console:\n" + vm.Console);
            }

            return vm;
        }
        catch
        {
            await vm.DisposeAsync();
            throw;
        }
    }

    public async Task<GuestAgentClient> ConnectAsync(CancellationToken ct) =>
        new(await Shim.Ttrpc.TtrpcClient.ConnectAsync(AgentSocket, ct));

    public async ValueTask DisposeAsync()
    {
        try
        {
            _qemu.Signal(Signals.SIGKILL);
            await _qemu.Exited;
            await _output;
        }
        finally
        {
            _qemu.Dispose();
            Scratch.Dispose();
        }
    }

    private static IEnumerable<string> Arguments(string guest, Dictionary<string, string> env, string scratch, GuestVmOptions options)
    {
        string kernel = env["ECR_GUEST_VMLINUX"] is { Length: > 0 } vmlinux ? vmlinux : "vmlinuz";
        string[] common =
        [
            "-machine", env["ECR_GUEST_MACHINE"] + ",accel=tcg", "-m", "512M", "-smp", "1",
            "-nographic", "-nodefaults", "-no-user-config", "-no-reboot", "-serial", "stdio",
            "-kernel", Path.Combine(guest, kernel), "-initrd", Path.Combine(guest, "initrd.img"),
            "-append", $"console={env["ECR_GUEST_CONSOLE"]} panic=-1 quiet {options.KernelParameters}".TrimEnd(),
            "-device", "virtio-serial-pci",
            "-chardev", $"socket,id=agent,path={Path.Combine(scratch, "agent.sock")},server=on,wait=off",
            "-device", "virtserialport,chardev=agent,name=agent.channel.0",
            "-fsdev", $"local,id=fs0,path={options.Share ?? Path.Combine(scratch, "share")},security_model=none",
            "-device", $"virtio-9p-pci,fsdev=fs0,mount_tag={ShareTag}",
            "-object", "rng-random,id=rng0,filename=/dev/urandom", "-device", "virtio-rng-pci,rng=rng0",
            .. options.Arguments,
        ];
        return env["ECR_GUEST_CPU"] is { Length: > 0 } cpu ? [.. common, "-cpu", cpu] : common;
    }

    /// <summary>guest.env's KEY='value' lines.</summary>
    private static Dictionary<string, string> GuestEnv(string guest) =>
        File.ReadLines(Path.Combine(guest, "guest.env"))
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim('\''));

    /// <summary>QEMU's stdout and stderr (the serial console) line by line, until QEMU has exited.</summary>
    private async Task ReadLinesAsync(AnonymousPipeServerStream output)
    {
        using var reader = new StreamReader(output);
        while (await reader.ReadLineAsync() is string line)
        {
            Append(line);
        }
    }

    private void Append(string line)
    {
        lock (_console)
        {
            _console.AppendLine(line);
        }

        if (line.Contains("ECR-GUEST-READY", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
