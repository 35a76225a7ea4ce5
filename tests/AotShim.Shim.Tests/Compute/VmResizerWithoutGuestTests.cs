using System.Net.Sockets;
using AotShim.Kvm;
using AotShim.Shim.Agent;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Compute;
using AotShim.Shim.Config;
using AotShim.Shim.Tests.Hypervisor;
using AotShim.Shim.Ttrpc;

namespace AotShim.Shim.Tests.Compute;

/// <summary>The resizer where QEMU alone decides: a machine without CPU hotplug, and the TCG unplug policy.</summary>
public sealed class VmResizerWithoutGuestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Arm64_virt_keeps_its_vcpus_with_a_warning_naming_the_container_and_never_asks_the_agent()
    {
        QemuConfig h = SandboxVm.Arm64VirtWithoutGuest;
        await using SandboxVm vm = await SandboxVm.StartAsync(new Configuration { Hypervisor = h }, HostArchitecture.Arm64, SandboxVm.WithoutGuest, host => host with { Cpus = 2 });
        using var scratch = new TempDirectory();
        string agentSocket = Path.Combine(scratch.Path, "agent.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(agentSocket));
        listener.Listen(1);
        await using var agent = new AgentClient(await TtrpcClient.ConnectAsync(agentSocket, Ct), agentSocket);
        using Socket silentAgent = await listener.AcceptAsync(Ct);
        var warnings = new List<string>();
        var resizer = new VmResizer(vm.Qmp, agent, VmBounds.For(h, vm.Facts.Host), h, staticSizing: false, unplugVcpus: true, (_, message) => warnings.Add(message));

        await resizer.ApplyAsync("web", new LinuxResources { CPU = new LinuxCPU { Quota = 100_000, Period = 100_000 } }, Ct);
        await resizer.ApplyAsync("web", new LinuxResources { CPU = new LinuxCPU { Quota = 50_000 } }, Ct);

        Assert.Equal(1u, resizer.Vcpus);
        Assert.Single(await vm.Qmp.QueryCpusFastAsync(ct: Ct));
        string warning = Assert.Single(warnings);
        Assert.Contains("container web: CPU hotplug is not supported by machine 'virt", warning);
        Assert.Contains("the VM keeps 1 vCPUs", warning);
        Assert.Equal(0, silentAgent.Available);
    }

    [Fact]
    public void Vcpus_are_unplugged_except_under_tcg()
    {
        Assert.True(VmResizer.UnplugsVcpus(new QemuConfig { Accelerator = "kvm" }));
        Assert.False(VmResizer.UnplugsVcpus(new QemuConfig { Accelerator = "tcg" }));
    }
}
