using AotShim.Kvm;
using AotShim.Shim.Config;
using AotShim.Shim.Hypervisor;
using AotShim.Shim.Hypervisor.Qemu;

namespace AotShim.Shim.Tests.Hypervisor;

public sealed class QemuCommandLineBuilderTests
{
    private static Configuration Config(Func<QemuConfig, QemuConfig>? change = null)
    {
        var h = new QemuConfig { Image = "/usr/share/ecr/ecr-containers.img", Kernel = "/usr/share/ecr/vmlinuz.container" };
        return new Configuration { Hypervisor = change is null ? h : change(h) };
    }

    private static SandboxFacts Facts(HostArchitecture architecture, Func<SandboxFacts, SandboxFacts>? change = null)
    {
        var facts = new SandboxFacts
        {
            Id = "sb1",
            Uuid = Guid.Parse("11111111-2222-3333-4444-555555555555"),
            Host = new HostFacts(architecture, Cpus: 8, MemoryMiB: 16384, RunningOnHypervisor: false, VhostNetAvailable: true),
            Agent = new VsockAgentChannel(7, VhostFd: 3),
            Qmp = new QmpEndpoint("/run/vc/vm/sb1/qmp.sock", null),
            ImageSizeBytes = 1 << 20,
        };
        return change is null ? facts : change(facts);
    }

    private static ArgvFixture Build(Configuration configuration, SandboxFacts facts)
    {
        QemuCommandLine line = QemuCommandLineBuilder.Build(configuration, facts);
        return ArgvFixture.From(line.Binary, line.Arguments);
    }

    private static string Value(ArgvFixture argv, string option) => argv.Groups.Single(g => g.Option == option).Value;

    [Fact]
    public void X86_only_groups_appear_on_x86_and_not_on_arm64()
    {
        ArgvFixture x86 = Build(Config(h => h with { MachineType = "q35" }), Facts(HostArchitecture.X64));
        ArgvFixture arm = Build(Config(h => h with { MachineType = "virt" }), Facts(HostArchitecture.Arm64));

        Assert.Contains(("-global", "kvm-pit.lost_tick_policy=discard"), x86.Groups);
        Assert.DoesNotContain(arm.Groups, g => g.Option == "-global");
        Assert.Contains("tsc=reliable", x86.KernelParameters);
        Assert.DoesNotContain("tsc=reliable", arm.KernelParameters);
        Assert.Equal("q35,accel=kvm,nvdimm=on", Value(x86, "-machine"));
    }

    [Fact]
    public void Arm64_only_groups_appear_on_arm64_and_not_on_x86()
    {
        ArgvFixture x86 = Build(Config(h => h with { MachineType = "q35" }), Facts(HostArchitecture.X64));
        ArgvFixture arm = Build(Config(h => h with { MachineType = "virt" }), Facts(HostArchitecture.Arm64));

        Assert.Equal("virt,usb=off,accel=kvm,gic-version=host", Value(arm, "-machine"));
        Assert.DoesNotContain("usb=off", Value(x86, "-machine"));
        Assert.Contains("iommu.passthrough=0", arm.KernelParameters);
        Assert.DoesNotContain("iommu.passthrough=0", x86.KernelParameters);
    }

    [Fact]
    public void Arm64_boots_the_image_from_nvdimm_only_with_uefi_flashes()
    {
        ArgvFixture plain = Build(Config(h => h with { MachineType = "virt" }), Facts(HostArchitecture.Arm64));
        ArgvFixture uefi = Build(Config(h => h with { MachineType = "virt", Pflashes = ["/f0.img", "/f1.img"] }), Facts(HostArchitecture.Arm64));

        Assert.Contains("root=/dev/vda1", plain.KernelParameters);
        Assert.Contains(plain.Groups, g => g.Value.StartsWith("virtio-blk-pci,") && g.Value.Contains("drive=image-*"));
        Assert.Contains("root=/dev/pmem0p1", uefi.KernelParameters);
        Assert.Contains("nvdimm=on", Value(uefi, "-machine"));
        Assert.Equal(["/f0.img", "/f1.img"], uefi.Groups.Where(g => g.Option == "-pflash").Select(g => g.Value));
    }

    [Theory]
    [InlineData(HostArchitecture.X64, "q35", "q35,accel=tcg,nvdimm=on", "max,pmu=off")]
    [InlineData(HostArchitecture.Arm64, "virt", "virt,usb=off,accel=tcg,gic-version=3", "max,pauth-impdef=on,pmu=off")]
    public void Tcg_emits_only_what_qemu_accepts_without_kvm(HostArchitecture architecture, string machine, string expected, string cpu)
    {
        ArgvFixture argv = Build(Config(h => h with { MachineType = machine, Accelerator = "tcg", CpuFeatures = "pmu=off" }), Facts(architecture));

        Assert.Equal(expected, Value(argv, "-machine"));
        Assert.Equal(cpu, Value(argv, "-cpu"));
        Assert.DoesNotContain(argv.Groups, g => g.Option == "-global");
    }

    [Fact]
    public void Maxcpus_and_maxmem_come_from_the_config_or_the_host()
    {
        ArgvFixture fromHost = Build(Config(), Facts(HostArchitecture.X64, f => f with { BootVcpus = 2 }));
        ArgvFixture fromConfig = Build(Config(h => h with { DefaultMaxVcpus = 4, DefaultMaxMemory = 8192, MemoryOffset = 1024 }), Facts(HostArchitecture.X64));
        ArgvFixture tooMany = Build(Config(h => h with { DefaultMaxVcpus = 64 }), Facts(HostArchitecture.X64, f => f with { BootVcpus = 100 }));

        Assert.Equal("2,cores=1,threads=1,sockets=8,maxcpus=8", Value(fromHost, "-smp"));
        Assert.Equal("2048M,slots=10,maxmem=16384M", Value(fromHost, "-m"));
        Assert.Equal("1,cores=1,threads=1,sockets=4,maxcpus=4", Value(fromConfig, "-smp"));
        Assert.Equal("2048M,slots=10,maxmem=9216M", Value(fromConfig, "-m"));
        Assert.Contains("nr_cpus=4", fromConfig.KernelParameters);
        Assert.Equal("8,cores=1,threads=1,sockets=8,maxcpus=8", Value(tooMany, "-smp"));
    }

    [Fact]
    public void Bridges_and_root_ports_are_numbered_after_each_other()
    {
        ArgvFixture argv = Build(Config(h => h with { DefaultBridges = 2, PcieRootPort = 2 }), Facts(HostArchitecture.X64));

        var devices = argv.Groups.Where(g => g.Option == "-device").Select(g => g.Value).ToList();
        Assert.Contains(devices, d => d.StartsWith("pci-bridge,bus=pcie.0,id=pci-bridge-1,chassis_nr=2,shpc=off,addr=3"));
        Assert.Contains(devices, d => d.StartsWith("pcie-root-port,id=rp0,bus=pcie.0,chassis=3,slot=0,addr=4,"));
        Assert.Contains(devices, d => d.StartsWith("pcie-root-port,id=rp1,bus=pcie.0,chassis=4,slot=1,addr=5,"));
        Assert.Contains(("-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"), argv.Groups);
    }

    [Fact]
    public void A_serial_agent_channel_is_a_virtserialport_named_agent_channel_0()
    {
        ArgvFixture argv = Build(Config(), Facts(HostArchitecture.X64, f => f with { Agent = new SerialAgentChannel("/run/vc/vm/sb1/agent.sock") }));

        Assert.Contains(("-chardev", "socket,id=charagent0,path=/run/vc/vm/sb1/agent.sock,server=on,wait=off"), argv.Groups);
        Assert.Contains(("-device", "virtserialport,bus=serial0.0,chardev=charagent0,id=channel0,name=agent.channel.0"), argv.Groups);
        Assert.DoesNotContain(argv.Groups, g => g.Value.StartsWith("vhost-vsock-pci"));
    }

    [Fact]
    public void Networks_use_vhost_only_when_the_host_has_it_and_the_config_allows_it()
    {
        var endpoint = new NetworkEndpoint("02:00:00:00:00:01", TapFds: [5, 6], VhostFds: [7, 8]);
        ArgvFixture vhost = Build(Config(), Facts(HostArchitecture.X64, f => f with { Networks = [endpoint] }));
        ArgvFixture noDevice = Build(Config(), Facts(HostArchitecture.X64, f => f with { Networks = [endpoint], Host = f.Host with { VhostNetAvailable = false } }));
        ArgvFixture disabled = Build(Config(h => h with { DisableVhostNet = true }), Facts(HostArchitecture.X64, f => f with { Networks = [endpoint] }));

        Assert.Equal("tap,id=network-0,vhost=on,vhostfds=7:8,fds=5:6", Value(vhost, "-netdev"));
        Assert.Equal("tap,id=network-0,vhost=off,fds=5:6", Value(noDevice, "-netdev"));
        Assert.Equal("tap,id=network-0,vhost=off,fds=5:6", Value(disabled, "-netdev"));
        Assert.Contains(("-device", "driver=virtio-net-pci,netdev=network-0,mac=02:00:00:00:00:01,disable-modern=false,mq=on,vectors=6"), vhost.Groups);
    }

    [Fact]
    public void An_initrd_guest_has_no_root_device_and_passes_the_initrd()
    {
        ArgvFixture argv = Build(Config(h => h with { Image = "", Initrd = "/boot/initrd.img" }), Facts(HostArchitecture.X64));

        Assert.Equal("/boot/initrd.img", Value(argv, "-initrd"));
        Assert.DoesNotContain(argv.KernelParameters, p => p.StartsWith("root="));
        Assert.DoesNotContain("nvdimm=on", Value(argv, "-machine"));
    }

    [Fact]
    public void Boot_block_devices_follow_the_block_driver()
    {
        var disk = new BlockDevice("drive-1", "/var/lib/disk.img", ReadOnly: true);
        ArgvFixture scsi = Build(Config(h => h with { EnableIothreads = true }), Facts(HostArchitecture.X64, f => f with { BlockDevices = [disk] }));
        ArgvFixture blk = Build(Config(h => h with { BlockDeviceDriver = "virtio-blk" }), Facts(HostArchitecture.X64, f => f with { BlockDevices = [disk] }));

        Assert.Contains(("-device", "virtio-scsi-pci,id=scsi0,disable-modern=false,iothread=iothread-scsi0"), scsi.Groups);
        Assert.Contains(("-device", "scsi-hd,bus=scsi0.0,drive=drive-1,scsi-id=0,lun=0,serial=drive-1"), scsi.Groups);
        Assert.Contains(("-drive", "id=drive-1,file=/var/lib/disk.img,aio=io_uring,format=raw,if=none,readonly=on"), scsi.Groups);
        Assert.Contains(blk.Groups, g => g.Value.StartsWith("virtio-blk-pci,disable-modern=false,drive=drive-1"));
        Assert.DoesNotContain(blk.Groups, g => g.Value.StartsWith("virtio-scsi-pci"));
        Assert.DoesNotContain("scsi_mod.scan=none", blk.KernelParameters);
    }

    [Fact]
    public void User_kernel_params_come_last_without_repeating_what_the_runtime_adds()
    {
        var configuration = Config(h => h with { KernelParams = "agent.debug_console quiet foo=bar" }) with
        {
            Agent = new AgentConfig { DebugConsoleEnabled = true },
        };

        QemuCommandLine line = QemuCommandLineBuilder.Build(configuration, Facts(HostArchitecture.X64));

        Assert.EndsWith("agent.debug_console agent.debug_console_vport=1026 foo=bar", line.KernelCommandLine);
        Assert.Single(line.KernelCommandLine.Split(' '), p => p == "quiet");
    }

    [Fact]
    public void Vm_paths_follow_the_seed_layout()
    {
        ArgvFixture argv = Build(Config(), Facts(HostArchitecture.X64));

        Assert.Equal("/run/vc/vm/sb1/pid", Value(argv, "-pidfile"));
        Assert.Contains(("-chardev", "socket,id=charconsole0,path=/run/vc/vm/sb1/console.sock,server=on,wait=off"), argv.Groups);
        Assert.Contains(argv.Groups, g => g.Value == "socket,id=char-*,path=/run/vc/vm/sb1/vhost-fs.sock");
        Assert.Equal("sandbox-sb1", Value(argv, "-name"));
    }
}
