using AotShim.Qmp;
using AotShim.Shim.Agent;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;
using AotShim.Shim.Ttrpc;

namespace AotShim.Shim.Compute;

/// <summary>
/// Keeps one VM sized for the containers it runs, as kata's updateResources: defaults plus the sum of the containers'
/// CPU quotas and memory limits, capped at default_maxvcpus / default_maxmemory with a warning. vCPUs are hot-plugged
/// into free slots and onlined by the agent; memory grows by DIMMs and never shrinks (the guest refuses unplug);
/// vCPUs beyond the target are unplugged, newest first, except under TCG (see <see cref="UnplugsVcpus"/>). A machine that cannot hot-plug (arm64 virt has no CPU hotplug
/// in QEMU 7.2) keeps its size with a warning. Under static_sandbox_resource_mgmt it does nothing: the VM was sized at
/// boot. Calls are serialized; a repeated call with the same resources changes nothing.
/// </summary>
public sealed class VmResizer
{
    private static readonly TimeSpan UnplugTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GuestAckTimeout = TimeSpan.FromSeconds(10);

    private readonly QmpClient _qmp;
    private readonly AgentClient _agent;
    private readonly VmBounds _bounds;
    private readonly QemuConfig _hypervisor;
    private readonly bool _static;
    private readonly bool _unplugVcpus;
    private readonly Action<string, string> _log;
    private readonly Func<CancellationToken, Task>? _vcpusAdded;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, ContainerDemand> _demands = new(StringComparer.Ordinal);
    private readonly List<string> _hotpluggedCpus = [];
    private int _cpuSerial;
    private int _dimmSerial;
    private ulong _blockMiB;
    private bool _cpuHotplugUnsupported;
    private bool _memoryHotplugUnsupported;

    /// <param name="vcpusAdded">Called once hot-plugged vCPUs run: their new threads may belong in another cgroup.</param>
    public VmResizer(QmpClient qmp, AgentClient agent, VmBounds bounds, QemuConfig hypervisor, bool staticSizing, bool unplugVcpus, Action<string, string> log,
        Func<CancellationToken, Task>? vcpusAdded = null)
    {
        _vcpusAdded = vcpusAdded;
        _qmp = qmp;
        _agent = agent;
        _bounds = bounds;
        _hypervisor = hypervisor;
        _static = staticSizing;
        _unplugVcpus = unplugVcpus;
        _log = log;
        MemoryMiB = bounds.BootMemoryMiB;
    }

    /// <summary>The resizer for a VM booted from <paramref name="configuration"/> on this host.</summary>
    public static VmResizer For(Configuration configuration, HostFacts host, QmpClient qmp, AgentClient agent, Action<string, string> log, Func<CancellationToken, Task>? vcpusAdded = null) =>
        new(qmp, agent, VmBounds.For(configuration.Hypervisor, host), configuration.Hypervisor, configuration.Runtime.StaticSandboxResourceMgmt, UnplugsVcpus(configuration.Hypervisor), log, vcpusAdded);

    /// <summary>
    /// Whether surplus vCPUs are unplugged (kata does). Not under TCG: there QEMU 7.2 aborts on any vCPU hot-add after a
    /// vCPU unplug, and a DIMM hot-add after one resets the guest (both measured), so the VM keeps its vCPUs.
    /// </summary>
    public static bool UnplugsVcpus(QemuConfig h) => h.Accelerator != "tcg";

    /// <summary>vCPUs the VM has now: boot plus hot-plugged.</summary>
    public uint Vcpus => _bounds.BootVcpus + (uint)_hotpluggedCpus.Count;

    /// <summary>Guest memory now: boot plus hot-plugged DIMMs.</summary>
    public ulong MemoryMiB { get; private set; }

    /// <summary>
    /// Create (a new id) or Update (a known id, merged as kata merges: zero or absent values keep the previous ones),
    /// then resizes the VM. On failure the container's previous demand is restored and the VM keeps what was done.
    /// </summary>
    /// <exception cref="VmResizeException">QEMU or the agent refused a step; the message names the container.</exception>
    /// <exception cref="ArgumentException">linux.resources.cpu.cpus is malformed; the message names the container.</exception>
    public async ValueTask ApplyAsync(string containerId, LinuxResources? resources, CancellationToken ct)
    {
        if (_static)
        {
            return;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ContainerDemand? previous = _demands.GetValueOrDefault(containerId);
            _demands[containerId] = previous is null ? ContainerDemand.From(containerId, resources) : previous.Updated(containerId, resources);
            try
            {
                await ResizeAsync(containerId, ct).ConfigureAwait(false);
            }
            catch
            {
                if (previous is null)
                {
                    _demands.Remove(containerId);
                }
                else
                {
                    _demands[containerId] = previous;
                }

                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Delete: forgets the container and shrinks the vCPUs to what the others need. Call it while the VM runs.</summary>
    /// <exception cref="VmResizeException">A vCPU unplug failed; the message names the container.</exception>
    public async ValueTask RemoveAsync(string containerId, CancellationToken ct)
    {
        if (_static)
        {
            return;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_demands.Remove(containerId))
            {
                await ResizeAsync(containerId, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // Growing comes before shrinking: after a vCPU unplug, a DIMM hot-add has reset the guest (QEMU 7.2, TCG, Linux 6.1).
    private async Task ResizeAsync(string containerId, CancellationToken ct)
    {
        WorkloadSize workload = WorkloadSize.Of(_demands.Values);
        uint vcpus = _bounds.TargetVcpus(workload);
        ulong memory = _bounds.TargetMemoryMiB(workload);
        if (_bounds.BootVcpus + (ulong)workload.Vcpus > _bounds.MaxVcpus)
        {
            _log("warning", $"container {containerId}: the pod asks for {_bounds.BootVcpus + (ulong)workload.Vcpus} vCPUs; the VM is capped at default_maxvcpus = {_bounds.MaxVcpus}");
        }

        if (_bounds.BootMemoryMiB + workload.MemoryMiB > _bounds.MaxMemoryMiB)
        {
            _log("warning", $"container {containerId}: the pod asks for {_bounds.BootMemoryMiB + workload.MemoryMiB} MiB; the VM is capped at default_maxmemory = {_bounds.MaxMemoryMiB} MiB");
        }

        (uint vcpusBefore, ulong memoryBefore) = (Vcpus, MemoryMiB);
        try
        {
            await ChangeAsync(containerId, vcpus, memory, ct).ConfigureAwait(false);
        }
        finally
        {
            if (Vcpus != vcpusBefore || MemoryMiB != memoryBefore)
            {
                await ReportAsync(containerId, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ChangeAsync(string containerId, uint vcpus, ulong memory, CancellationToken ct)
    {
        if (vcpus > Vcpus)
        {
            await PlugCpusAsync(containerId, vcpus, ct).ConfigureAwait(false);
        }

        if (memory > MemoryMiB)
        {
            await PlugMemoryAsync(containerId, memory, ct).ConfigureAwait(false);
        }

        if (vcpus < Vcpus && _unplugVcpus)
        {
            await UnplugCpusAsync(containerId, vcpus, ct).ConfigureAwait(false);
        }
        else if (vcpus < Vcpus)
        {
            _log("info", $"container {containerId}: the VM keeps {Vcpus} vCPUs ({vcpus} needed): vCPUs are not unplugged under TCG");
        }
    }

    /// <summary>The new size as QEMU itself reports it, for the log: what an operator checks a pod's limits against.</summary>
    private async Task ReportAsync(string containerId, CancellationToken ct)
    {
        int cpus = (await _qmp.QueryCpusFastAsync(ct: ct).ConfigureAwait(false)).Count;
        int dimms = (await _qmp.QueryMemoryDevicesAsync(ct: ct).ConfigureAwait(false)).Count(d => d.Type == "dimm");
        _log("info", $"container {containerId}: hotplugged the VM to {Vcpus} vCPUs and {MemoryMiB} MiB (query-cpus-fast: {cpus} vCPUs, query-memory-devices: {dimms} DIMMs)");
    }

    private async Task PlugCpusAsync(string containerId, uint target, CancellationToken ct)
    {
        if (_cpuHotplugUnsupported)
        {
            return;
        }

        uint before = Vcpus;
        VmResizeException? failure = null;
        while (Vcpus < target)
        {
            string id = "vcpu" + _cpuSerial++;
            try
            {
                await _qmp.HotplugCpuAsync(id, ct: ct).ConfigureAwait(false);
            }
            catch (QmpNotSupportedException e)
            {
                _cpuHotplugUnsupported = true;
                _log("warning", $"container {containerId}: {e.Message}; the VM keeps {Vcpus} vCPUs");
                break;
            }
            catch (Exception e) when (e is QmpException or InvalidOperationException or TimeoutException)
            {
                failure = new VmResizeException(containerId, $"hot-plugging vCPU {Vcpus + 1} of {target} failed: {e.Message}", e);
                break;
            }

            _hotpluggedCpus.Add(id);
        }

        // What was plugged is onlined even when a later vCPU failed: the guest must not keep offline CPUs around.
        if (Vcpus > before)
        {
            await OnlineAsync(containerId, Vcpus, cpuOnly: true, ct).ConfigureAwait(false);
            if (_vcpusAdded is not null)
            {
                await _vcpusAdded(ct).ConfigureAwait(false);
            }
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private async Task PlugMemoryAsync(string containerId, ulong target, CancellationToken ct)
    {
        if (_memoryHotplugUnsupported)
        {
            return;
        }

        IReadOnlyList<ulong> dimms = MemoryPlan.DimmsMiB(MemoryMiB, target, _bounds.MaxMemoryMiB, await BlockMiBAsync(containerId, ct).ConfigureAwait(false));
        if (dimms.Count == 0)
        {
            return;
        }

        // nvdimms (the guest image) hold slots too; virtio-mem does not.
        int used = (await _qmp.QueryMemoryDevicesAsync(ct: ct).ConfigureAwait(false)).Count(d => d.Type is "dimm" or "nvdimm");
        if (used + dimms.Count > _bounds.MemorySlots)
        {
            throw new VmResizeException(containerId, $"hot-plugging {dimms.Sum(d => (decimal)d)} MiB needs {dimms.Count} memory slot(s), but {used} of memory_slots = {_bounds.MemorySlots} are in use");
        }

        foreach (ulong size in dimms)
        {
            int serial = _dimmSerial++;
            string device = "hotdimm" + serial;
            using QmpEventWaiter acknowledged = _qmp.ExpectAcpiDeviceOst(device);
            try
            {
                await _qmp.HotplugMemoryAsync(HotplugMemoryBackend.For(_hypervisor, "hotmem" + serial, size), new PcDimmDevice(device, "hotmem" + serial), ct: ct).ConfigureAwait(false);
            }
            catch (QmpNotSupportedException e)
            {
                _memoryHotplugUnsupported = true;
                _log("warning", $"container {containerId}: {e.Message}; the VM keeps {MemoryMiB} MiB, so its memory limit cannot be guaranteed");
                return;
            }
            catch (Exception e) when (e is QmpException or TimeoutException)
            {
                throw new VmResizeException(containerId, $"hot-plugging a {size} MiB DIMM (VM at {MemoryMiB} of {_bounds.MaxMemoryMiB} MiB) failed: {e.Message}", e);
            }

            MemoryMiB += size;
            await AwaitGuestAsync(containerId, acknowledged, device, ct).ConfigureAwait(false);

            // Online each DIMM before the next: the next one's struct pages come out of memory already online.
            await OnlineAsync(containerId, 0, cpuOnly: false, ct).ConfigureAwait(false);
        }
    }

    private async Task UnplugCpusAsync(string containerId, uint target, CancellationToken ct)
    {
        while (Vcpus > target && _hotpluggedCpus.Count > 0)
        {
            string id = _hotpluggedCpus[^1];
            try
            {
                await _qmp.UnplugCpuAsync(id, UnplugTimeout, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is QmpException or TimeoutException)
            {
                throw new VmResizeException(containerId, $"unplugging vCPU {id} (VM at {Vcpus}, target {target}) failed: {e.Message}", e);
            }

            _hotpluggedCpus.RemoveAt(_hotpluggedCpus.Count - 1);
        }
    }

    /// <summary>
    /// The guest adds a DIMM's memory blocks asynchronously and only then can they be onlined (kata's guest kernel
    /// onlines them itself; a generic one leaves them offline if OnlineCPUMem comes first). Its ACPI _OST says it is
    /// done. A guest that never answers (no ACPI memory hotplug) gets OnlineCPUMem anyway, as kata sends it.
    /// </summary>
    private async Task AwaitGuestAsync(string containerId, QmpEventWaiter acknowledged, string device, CancellationToken ct)
    {
        try
        {
            QmpEvent ost = await acknowledged.WaitAsync(GuestAckTimeout, ct).ConfigureAwait(false);
            if (QmpClient.AcpiOstStatus(ost) is var status and not 0)
            {
                _log("warning", $"container {containerId}: the guest refused DIMM {device} (ACPI _OST status {status}); its memory limit cannot be guaranteed");
            }
        }
        catch (TimeoutException)
        {
            _log("warning", $"container {containerId}: the guest did not acknowledge DIMM {device} within {GuestAckTimeout.TotalSeconds} s; onlining whatever it added");
        }
    }

    /// <summary>OnlineCPUMem with wait: nb_cpus is the total the agent waits to see online (kata 3.x's meaning).</summary>
    private async Task OnlineAsync(string containerId, uint cpus, bool cpuOnly, CancellationToken ct)
    {
        try
        {
            await _agent.OnlineCpuMemAsync(cpus, cpuOnly, ct).ConfigureAwait(false);
        }
        catch (TtrpcException e)
        {
            throw new VmResizeException(containerId, $"the guest did not online the hot-plugged {(cpuOnly ? $"vCPUs ({cpus} wanted)" : "memory")}: {e.Message}", e);
        }
    }

    /// <summary>The guest's memory block size, asked once (kata asks at sandbox start); 128 MiB when the agent reports none.</summary>
    private async Task<ulong> BlockMiBAsync(string containerId, CancellationToken ct)
    {
        if (_blockMiB == 0)
        {
            GuestDetailsResponse details;
            try
            {
                details = await _agent.GetGuestDetailsAsync(ct).ConfigureAwait(false);
            }
            catch (TtrpcException e)
            {
                throw new VmResizeException(containerId, $"the guest's memory block size is unknown: {e.Message}", e);
            }

            _blockMiB = details.MemBlockSizeBytes >> 20 is > 0 and var block ? block : MemoryPlan.DefaultBlockMiB;
        }

        return _blockMiB;
    }
}
