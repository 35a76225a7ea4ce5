using AotShim.Native;
using AotShim.Qmp;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Storage;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>
/// One x64 guest whose 9p share is a real sandbox share (mounts/ with its read-only view shared/), with QMP, a
/// pci-bridge (ACPI hotplug, as kata's default_bridges = 1 on q35) and a virtio-scsi controller, booted with
/// scsi_mod.scan=none as the shim boots it. Its sandbox has the pod shm. Torn down after the class; then nothing of
/// it may stay mounted.
/// </summary>
public sealed class GuestStorageFixture : IAsyncLifetime
{
    public const string SandboxId = "storage-sandbox";

    private readonly TempDirectory _temp = new();
    private GuestVm? _vm;
    private QmpClient? _qmp;
    private GuestAgentClient? _agent;

    internal string Root => _temp.Path;

    internal SandboxShare Share { get; private set; } = null!;

    internal GuestVm Vm => _vm ?? throw new InvalidOperationException("the guest is not booted");

    internal GuestAgentClient Agent => _agent ?? throw new InvalidOperationException("the agent is not connected");

    internal QmpClient Qmp => _qmp ?? throw new InvalidOperationException("QMP is not connected");

    public async ValueTask InitializeAsync()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        Share = SandboxShare.Create(Path.Combine(_temp.Path, "sandbox"));
        string qmpSocket = Path.Combine(_temp.Path, "qmp.sock");
        _vm = await GuestVm.BootAsync("x64", ct, new GuestVmOptions
        {
            Share = Share.SharedDirectory,
            KernelParameters = "scsi_mod.scan=none",
            Arguments =
            [
                "-qmp", $"unix:{qmpSocket},server=on,wait=off",
                "-device", "pci-bridge,bus=pcie.0,id=pci-bridge-0,chassis_nr=1,shpc=off,addr=8,io-reserve=4k,mem-reserve=1m,pref64-reserve=1m",
                "-device", "virtio-scsi-pci,id=scsi0",
            ],
        });
        _qmp = await QmpClient.ConnectAsync(qmpSocket, ct: ct);
        _agent = await _vm.ConnectAsync(ct);
        await _agent.CallAsync("CreateSandbox", new CreateSandboxRequest
        {
            SandboxId = SandboxId,
            Storages = { ContainerSpecs.SharedDirectory(), SandboxShm.Storage(SandboxShm.DefaultSize) },
        });
    }

    /// <summary>The sandbox's storage with volumes plugged per <paramref name="driver"/> (the bridge for virtio-blk).</summary>
    internal SandboxStorage Storage(string driver, string sandboxId = SandboxId) => new(
        Share,
        new VolumeSettings(sandboxId) { ShmSize = SandboxShm.DefaultSize },
        new BlockHotplug(Qmp, new BlockHotplugOptions(driver) { Aio = "io_uring", PciBuses = [PciHotplugBus.Bridge("pci-bridge-0", 8)] }));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_agent is not null)
            {
                await _agent.DisposeAsync();
            }

            if (_qmp is not null)
            {
                await _qmp.DisposeAsync();
            }

            if (_vm is not null)
            {
                await _vm.DisposeAsync();
            }

            SandboxShare.Remove(Share.Root);
        }
        finally
        {
            // A failed test may have left its bundle mounted: unmount before deleting, then say so.
            IReadOnlyList<string> left = Mounts.Under(_temp.Path);
            foreach (string mountPoint in left.OrderByDescending(m => m.Length))
            {
                Mounts.UnmountAll(mountPoint);
            }

            _temp.Dispose();
            Assert.Empty(left);
        }
    }
}
