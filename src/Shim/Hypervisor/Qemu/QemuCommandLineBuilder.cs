using System.Text;
using AotShim.Kvm;
using AotShim.Shim.Config;
using AotShim.Shim.Hashing;

namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>
/// Builds the argv kata's QEMU driver produces for one sandbox, for x86_64 q35 and arm64 virt, as a list of
/// option groups that each render themselves.
/// </summary>
public static class QemuCommandLineBuilder
{
    public static QemuCommandLine Build(Configuration configuration, SandboxFacts facts)
    {
        QemuConfig h = configuration.Hypervisor;
        HostFacts host = facts.Host;
        VmPaths paths = facts.Paths;
        uint maxVcpus = MaxVcpus(h, host);
        RootDevice root = ChooseRoot(h, host.Architecture);
        bool disableModern = host.Architecture == HostArchitecture.X64 && host.RunningOnHypervisor && !h.DisableNestingChecks;

        var groups = new List<IQemuDevice>
        {
            new MachineOptions(h.MachineType, host.Architecture, h.Accelerator, root == RootDevice.Pmem, h.MachineAccelerators),
            new CpuOptions(host.Architecture, h.Accelerator, h.CpuFeatures),
            new QmpSocket(facts.Qmp),
            new MemoryOptions(h.DefaultMemory, h.MemorySlots, (h.DefaultMaxMemory > 0 ? h.DefaultMaxMemory : host.MemoryMiB) + h.MemoryOffset),
            new PciBridges(h.DefaultBridges),
            new PcieRootPorts(h.PcieRootPort, h.DefaultBridges, h.MachineType == "q35"),
            new ConsoleDevice(paths.ConsoleSocket, disableModern),
        };

        if (root == RootDevice.Pmem)
        {
            groups.Add(new NvdimmImage(h.Image, facts.ImageSizeBytes));
        }
        else if (root == RootDevice.VirtioBlk)
        {
            groups.Add(new BlockImage(h.Image, "image-" + ShortHash(facts.Id, "image"), disableModern));
        }

        if (h.BlockDeviceDriver == "virtio-scsi")
        {
            groups.Add(new ScsiController(disableModern, h.EnableIothreads));
        }

        groups.Add(new RngDevice(h.EntropySource));
        groups.Add(facts.Agent switch
        {
            VsockAgentChannel vsock => new VsockDevice(vsock.GuestCid, vsock.VhostFd, disableModern),
            SerialAgentChannel serial => new SerialAgentPort(serial.SocketPath),
            _ => throw new ArgumentException("unknown agent channel " + facts.Agent, nameof(facts)),
        });

        if (h.SharedFs is "virtio-fs" or "virtio-fs-nydus")
        {
            groups.Add(new VirtioFsDevice(paths.VirtioFsSocket, facts.ShareTag, "char-" + ShortHash(facts.Id, "vhost-fs"), h.VirtioFsQueueSize, h.VirtioFsCacheSize));
        }
        else if (h.SharedFs == "virtio-9p")
        {
            groups.Add(new Virtio9pDevice(paths.SharedDirectory, facts.ShareTag, disableModern));
        }

        bool vhostNet = host.VhostNetAvailable && !h.DisableVhostNet;
        groups.AddRange(facts.Networks.Select((endpoint, i) => new NetDevice(i, endpoint, vhostNet, disableModern)));
        groups.AddRange(facts.BlockDevices.Select((device, i) => new BlockDeviceArgs(device, i, h.BlockDeviceDriver, h.BlockDeviceAio, disableModern)));
        groups.Add(new ClockOptions(host.Architecture, h.Accelerator));
        groups.Add(new FirmwareOptions(h.Firmware, h.FirmwareVolume, h.Pflashes));
        groups.Add(new GlobalOptions(facts.Daemonize));
        groups.Add(new GuestMemoryBackend(h.DefaultMemory, SharesMemory(h), h.FileMemBackend.Length > 0 ? h.FileMemBackend : "/dev/shm", h.EnableMemPrealloc));

        string kernelCommandLine = KernelCommandLine.Build(configuration, host.Architecture, root, maxVcpus);
        groups.Add(new KernelOptions(h.Kernel, h.Initrd, kernelCommandLine));
        groups.Add(new PidFile(paths.PidFile));
        groups.Add(new SmpOptions(Math.Min(facts.BootVcpus, maxVcpus), maxVcpus));

        var arguments = new QemuArguments();
        arguments.Add("-name", "sandbox-" + facts.Id).Add("-uuid", facts.Uuid.ToString());
        foreach (IQemuDevice group in groups)
        {
            group.AppendTo(arguments);
        }

        return new QemuCommandLine(h.Path, arguments.Arguments, kernelCommandLine);
    }

    /// <summary>default_maxvcpus, or every host CPU when unset or larger (kata's rule); under TCG a larger one stands.</summary>
    public static uint MaxVcpus(QemuConfig h, HostFacts host) =>
        h.DefaultMaxVcpus == 0 || (h.DefaultMaxVcpus > host.Cpus && !Emulated(h)) ? host.Cpus : h.DefaultMaxVcpus;

    /// <summary>Under TCG a vCPU is an emulation thread, not a host core: the host's count does not bound the configured maximum.</summary>
    private static bool Emulated(QemuConfig h) => h.Accelerator == "tcg";

    /// <summary>nvdimm needs ACPI NFIT: always on x86, only with UEFI firmware (pflashes) on arm64.</summary>
    private static RootDevice ChooseRoot(QemuConfig h, HostArchitecture architecture)
    {
        if (h.Image.Length == 0)
        {
            return RootDevice.Initrd;
        }

        bool nvdimm = !h.DisableImageNvdimm && !h.ConfidentialGuest && (architecture == HostArchitecture.X64 || h.Pflashes.Count > 0);
        return nvdimm ? RootDevice.Pmem : RootDevice.VirtioBlk;
    }

    /// <summary>vhost-user devices (virtio-fs) map guest memory, so it must be a shared file mapping.</summary>
    private static bool SharesMemory(QemuConfig h) =>
        h.SharedFs is "virtio-fs" or "virtio-fs-nydus" || h.EnableVhostUserStore || h.FileMemBackend.Length > 0;

    /// <summary>Stable per-sandbox ids (kata uses random ones): 16 hex digits of SHA-256 over the sandbox id and a purpose.</summary>
    private static string ShortHash(string id, string purpose)
    {
        Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
        Sha256.HashData(Encoding.UTF8.GetBytes(id + "/" + purpose), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
