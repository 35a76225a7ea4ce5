using System.Net.Sockets;
using AotShim.Kvm;
using AotShim.Native;
using AotShim.Qmp;
using AotShim.Shim.Agent;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Compute;
using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;
using AotShim.Shim.Hypervisor.Qemu;
using AotShim.Shim.Network;
using AotShim.Shim.Persist;
using AotShim.Shim.Storage;
using AotShim.Vsock;

namespace AotShim.Shim.Sandbox.Vm;

/// <summary>
/// One pod's running VM: QEMU, its QMP connection, the agent and the share. Booting builds these in order and a
/// failure at any step tears down what exists; disposing always leaves no process, mount, socket or directory.
/// </summary>
public sealed partial class PodVm : IAsyncDisposable
{
    private const int QmpFd = 3;
    private const int VhostVsockFd = 4;
    private const int FirstNetworkFd = 5;
    private static readonly TimeSpan DestroyTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    private Socket? _qmpListener;
    private GuestCid? _guestCid;
    private VirtioFsDaemon? _virtioFs;
    private PodNetwork? _network;
    private SandboxCgroup? _cgroup;
    private SandboxCgroup? _overhead;
    private Task _placement = Task.CompletedTask;
    private HotplugAddresses? _slots;
    private readonly Dictionary<string, StorageRecord> _containers = [];
    private readonly Action<string, string> _log;

    private PodVm(string id, Configuration configuration, Action<string, string> log)
    {
        Id = id;
        Configuration = configuration;
        Paths = new VmPaths(id);
        _log = log;
    }

    public string Id { get; }

    public Configuration Configuration { get; }

    public VmPaths Paths { get; }

    public SandboxShare Share { get; private set; } = null!;

    /// <summary>How containers get their rootfs and volumes: the share, the volume settings and block hotplug over QMP.</summary>
    public SandboxStorage Storage { get; private set; } = null!;

    public QemuProcess Qemu { get; private set; } = null!;

    public QmpClient Qmp { get; private set; } = null!;

    public AgentClient Agent { get; private set; } = null!;

    /// <summary>Grows the VM by each container's CPU and memory limits (hotplug), unless sized statically at boot.</summary>
    public VmResizer Resizer { get; private set; } = null!;

    /// <summary>Confines the sandbox cgroup to the containers' host cpusets.</summary>
    public SandboxCpuset Cpuset { get; private set; } = null!;

    /// <summary>Completes when QEMU has exited, whoever ended it.</summary>
    public Task Exited => Qemu.Exited;

    /// <summary>What the sandbox holds on the host right now, as `delete` would need it after a crash.</summary>
    public SandboxState State => new()
    {
        SandboxId = Id,
        QemuPid = Qemu?.Pid ?? 0,
        VirtioFsPid = _virtioFs?.Pid ?? 0,
        Network = _network?.State,
        Cgroups = [.. _cgroup?.Directories ?? [], .. _overhead?.Directories ?? []],
        Containers = [.. _containers.Values],
    };

    /// <summary>Records a container's host storage in the persisted state.</summary>
    public void Persist(StorageRecord record)
    {
        _containers[record.ContainerId] = record;
        SandboxStore.Write(State);
    }

    /// <summary>Drops a released container's storage from the persisted state.</summary>
    public void Forget(string containerId)
    {
        if (_containers.Remove(containerId))
        {
            SandboxStore.Write(State);
        }
    }

    /// <summary>A container's Create or Update: the VM grows first, then the cgroup takes its host cpuset, new vCPU threads included.</summary>
    /// <exception cref="VmResizeException">QEMU or the agent refused a step; the message names the container.</exception>
    /// <exception cref="ArgumentException">A cpuset is malformed or the kernel refused it; the message names the container.</exception>
    public async ValueTask ApplyResourcesAsync(string containerId, LinuxResources? resources, CancellationToken ct)
    {
        await Resizer.ApplyAsync(containerId, resources, ct).ConfigureAwait(false);
        Cpuset.Apply(containerId, resources);
    }

    /// <summary>A container's Delete while the VM runs: the vCPUs only it needed go, and the cgroup widens to the others' cpusets.</summary>
    public async ValueTask ReleaseResourcesAsync(string containerId, CancellationToken ct)
    {
        try
        {
            await Resizer.RemoveAsync(containerId, ct).ConfigureAwait(false);
        }
        finally
        {
            Cpuset.Remove(containerId);
        }
    }

    public static async Task<PodVm> BootAsync(string id, Configuration configuration, PodVmOptions options, SandboxTrace trace, Action<string, string> log, CancellationToken ct)
    {
        var vm = new PodVm(id, configuration, log);
        try
        {
            await vm.BootAsync(options, trace, ct).ConfigureAwait(false);
            return vm;
        }
        catch
        {
            await vm.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task BootAsync(PodVmOptions options, SandboxTrace trace, CancellationToken ct)
    {
        QemuConfig h = Configuration.Hypervisor;
        if (h.SharedFs == "virtio-fs-nydus")
        {
            throw new NotSupportedException("[hypervisor.qemu] shared_fs = \"virtio-fs-nydus\" needs nydusd, which this runtime does not start; use \"virtio-fs\" or \"virtio-9p\"");
        }

        Directory.CreateDirectory(Paths.Directory);
        SandboxStore.Write(State);
        // kata's placement: everything in the sandbox cgroup with sandbox_cgroup_only; else the shim, QEMU and helpers in
        // the unconstrained /kata_overhead/ID and only the vCPU threads in the sandbox cgroup. The moves come after spawn.
        _cgroup = await SandboxCgroup.CreateAsync(Id, options.CgroupsPath).ConfigureAwait(false);
        Cpuset = new SandboxCpuset(_cgroup);
        SandboxStore.Write(State);
        if (!Configuration.Runtime.SandboxCgroupOnly)
        {
            _overhead = await SandboxCgroup.CreateOverheadAsync(Id).ConfigureAwait(false);
            SandboxStore.Write(State);
        }

        Share = SandboxShare.Create(Paths.ShareRoot);
        Share.AddSandboxBindMounts(Configuration.Runtime.SandboxBindMounts);
        if (h.SharedFs == "virtio-fs")
        {
            _virtioFs = VirtioFsDaemon.Start(h, Share.SharedDirectory, Paths.VirtioFsSocket, Paths.QemuLog);
            SandboxStore.Write(State);
        }

        HostFacts host = HostFactsProbe.Detect() with { Architecture = GuestArchitecture(h) };
        uint bootVcpus = (uint)Math.Max(1, h.DefaultVcpus);

        _qmpListener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _qmpListener.Bind(new UnixDomainSocketEndPoint(Paths.QmpSocket));
        _qmpListener.Listen(1);
        (AgentChannel channel, AgentEndpoint endpoint) = ChooseAgentChannel();
        trace.Mark("dirs");
        if (ConnectsNetwork(options.NetnsPath) is string netns)
        {
            _network = PodNetwork.Attach(netns, Configuration.Runtime.InternetworkingModel, (int)bootVcpus, host.VhostNetAvailable && !h.DisableVhostNet);
            SandboxStore.Write(State);
            trace.Mark("netns");
        }

        List<FdMapping> fds = [new FdMapping(_qmpListener.SafeHandle, QmpFd)];
        if (_guestCid is not null)
        {
            fds.Add(new FdMapping(_guestCid.Device, VhostVsockFd));
        }

        var facts = new SandboxFacts
        {
            Id = Id,
            Uuid = Guid.NewGuid(),
            Host = host,
            BootVcpus = bootVcpus,
            Agent = channel,
            Qmp = new QmpEndpoint(null, QmpFd),
            ImageSizeBytes = h.Image.Length > 0 ? new FileInfo(h.Image).Length : 0,
            Networks = _network?.MapForQemu(fds, FirstNetworkFd) ?? [],
        };
        QemuCommandLine line = QemuCommandLineBuilder.Build(Configuration, facts);
        Qemu = QemuLauncher.Start(new QemuLaunchSpec(line.Binary, line.Arguments, fds, Paths.QemuLog));
        _network?.ReleaseQueues();
        SandboxStore.Write(State);
        _placement = Task.Run(MoveIntoCgroups, CancellationToken.None);
        trace.Mark("qemu_exec");

        Task<QmpClient> connecting = QmpClient.ConnectAsync(Paths.QmpSocket, ct: ct).AsTask();
        await Qemu.EnsureRunningAsync(connecting, ct).ConfigureAwait(false);
        Qmp = await connecting.ConfigureAwait(false);
        var blocks = new BlockHotplug(Qmp, BlockHotplugOptions.From(h, HotplugBuses(h)));
        _slots = blocks.Addresses;
        Storage = new SandboxStorage(Share, options.Volumes, blocks);
        _placement = PlaceVcpusAsync(_placement, ct);
        trace.Mark("qmp_ready");

        Agent = await AgentDialer.DialAsync(endpoint, TimeSpan.FromSeconds(Configuration.Agent.DialTimeout), Qemu.Exited, ct).ConfigureAwait(false);
        await _placement.ConfigureAwait(false);
        trace.Mark("agent_ready");

        if (_network is not null)
        {
            await ConfigureGuestNetworkAsync(_network.Endpoints, ct).ConfigureAwait(false);
            trace.Mark("network");
        }

        await Agent.CreateSandboxAsync(CreateSandboxRequest(options), ct).ConfigureAwait(false);
        Resizer = VmResizer.For(Configuration, host, Qmp, Agent, _log, ConstrainVcpusAsync);
        trace.Mark("create_sandbox");
    }

    /// <summary>
    /// The pcie_root_port ports when there are any (q35 or arm64 virt; each takes one device through native PCIe hotplug),
    /// else the q35 pci-bridges, which take hot-plugged devices through ACPI; arm64 virt bridges refuse hotplug.
    /// virtio-scsi needs no PCI bus at all.
    /// </summary>
    private static IReadOnlyList<PciHotplugBus> HotplugBuses(QemuConfig h) =>
        h.PcieRootPort > 0 ? [.. Enumerable.Range(0, (int)h.PcieRootPort).Select(i => PciHotplugBus.RootPort($"rp{i}", PcieRootPorts.SlotOf(h.DefaultBridges, (uint)i)))]
        : h.MachineType == "q35" ? [.. Enumerable.Range(0, (int)h.DefaultBridges).Select(i => PciHotplugBus.Bridge($"pci-bridge-{i}", PciBridges.FirstSlot + i))]
        : [];

    /// <summary>
    /// The shim, virtiofsd (with any child it forked) and QEMU into their cgroup. Off the start-up path, while QEMU boots
    /// the guest: the first process move in a while waits out an RCU grace period in the kernel (10-20 ms on cgroup v1).
    /// </summary>
    private void MoveIntoCgroups()
    {
        SandboxCgroup home = _overhead ?? _cgroup!;
        home.AddProcess(Environment.ProcessId);
        foreach (int pid in _virtioFs is null ? [] : WithDescendants(_virtioFs.Pid))
        {
            home.AddProcess(pid);
        }

        home.AddProcess(Qemu.Pid);
    }

    private static IEnumerable<int> WithDescendants(int pid)
    {
        yield return pid;
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }

        foreach (string task in tasks)
        {
            string children = File.Exists(task + "/children") ? File.ReadAllText(task + "/children") : "";
            foreach (string child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                foreach (int descendant in WithDescendants(int.Parse(child, System.Globalization.CultureInfo.InvariantCulture)))
                {
                    yield return descendant;
                }
            }
        }
    }

    private async Task PlaceVcpusAsync(Task moved, CancellationToken ct)
    {
        await moved.ConfigureAwait(false);
        await ConstrainVcpusAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Without sandbox_cgroup_only, every vCPU thread (after boot and after each hotplug) joins the pod's cgroup.</summary>
    private async Task ConstrainVcpusAsync(CancellationToken ct)
    {
        if (_overhead is null)
        {
            return;
        }

        IReadOnlyList<CpuInfo> cpus = await Qmp.QueryCpusFastAsync(ct: ct).ConfigureAwait(false);
        foreach (CpuInfo cpu in cpus)
        {
            _cgroup!.AddThread(cpu.ThreadId);
        }

        _log("info", $"vCPU threads {string.Join(",", cpus.Select(c => c.ThreadId))} of QEMU {Qemu.Pid} are in sandbox cgroup {_cgroup!.Path}");
    }

    /// <summary>The guest's architecture follows the machine type: under TCG an arm64 virt guest runs on an x86_64 host too.</summary>
    private static HostArchitecture GuestArchitecture(QemuConfig h) =>
        ConfigRules.MachineTypesArm64.Contains(h.MachineType) ? HostArchitecture.Arm64 : HostArchitecture.X64;

    /// <summary>vsock when asked for, or when auto and the host has vhost-vsock; otherwise the virtio-serial port.</summary>
    private (AgentChannel, AgentEndpoint) ChooseAgentChannel()
    {
        if (AgentTransport.Resolve(Configuration.Agent.Transport) == AgentTransport.Vsock)
        {
            _guestCid = GuestCid.Reserve();
            return (new VsockAgentChannel(_guestCid.Cid, VhostVsockFd), new VsockAgentEndpoint(_guestCid.Cid));
        }

        return (new SerialAgentChannel(Paths.AgentSocket), new SerialAgentEndpoint(Paths.AgentSocket));
    }

    private CreateSandboxRequest CreateSandboxRequest(PodVmOptions options)
    {
        var request = new CreateSandboxRequest
        {
            Hostname = options.Hostname,
            SandboxId = Id,
            GuestHookPath = Configuration.Hypervisor.GuestHookPath,
        };
        request.Storages.Add(ShareStorage.For(Configuration.Hypervisor, SandboxFacts.DefaultShareTag));
        if (options.Volumes.ShmSize > 0)
        {
            // The containers' /dev/shm mounts point at the pod's shm: the guest must have it first.
            request.Storages.Add(SandboxShm.Storage(options.Volumes.ShmSize));
        }
        foreach (string module in Configuration.Agent.KernelModules)
        {
            string[] words = module.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0)
            {
                request.KernelModules.Add(new KernelModule { Name = words[0], Parameters = { words[1..] } });
            }
        }

        return request;
    }

    /// <summary>Agent first (it may still flush the guest), then QEMU: quit, then SIGKILL after a grace period; then the host side.</summary>
    public async ValueTask DisposeAsync()
    {
        await Quietly(_placement).ConfigureAwait(false);
        if (Agent is not null)
        {
            if (!Exited.IsCompleted)
            {
                await Quietly(Agent.DestroySandboxAsync(DestroyTimeout, CancellationToken.None).AsTask()).ConfigureAwait(false);
            }

            await Agent.DisposeAsync().ConfigureAwait(false);
        }

        if (Qmp is not null)
        {
            if (!Exited.IsCompleted)
            {
                await Quietly(Qmp.QuitAsync(QuitTimeout).AsTask()).ConfigureAwait(false);
            }

            await Qmp.DisposeAsync().ConfigureAwait(false);
        }

        if (Qemu is not null)
        {
            await Quietly(Qemu.Exited.WaitAsync(ExitGrace)).ConfigureAwait(false);
            await Qemu.DisposeAsync().ConfigureAwait(false);
        }

        if (_virtioFs is not null)
        {
            await _virtioFs.DisposeAsync().ConfigureAwait(false);
        }

        _qmpListener?.Dispose();
        _guestCid?.Dispose();
        foreach (string problem in _network?.Detach() ?? [])
        {
            _log("warning", $"sandbox {Id}: network teardown: {problem}");
        }

        foreach (SandboxCgroup? cgroup in new[] { _cgroup, _overhead })
        {
            if (cgroup is not null)
            {
                await Quietly(cgroup.RemoveAsync(CancellationToken.None).AsTask()).ConfigureAwait(false);
            }
        }

        SandboxShare.Remove(Paths.ShareRoot);
        if (Directory.Exists(Paths.Directory))
        {
            Directory.Delete(Paths.Directory, recursive: true);
        }

        SandboxStore.Remove(Id);
    }

    /// <summary>Teardown goes on whatever a step says: the VM may already be gone.</summary>
    private static async Task Quietly(Task step)
    {
        try
        {
            await step.ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
    }
}
