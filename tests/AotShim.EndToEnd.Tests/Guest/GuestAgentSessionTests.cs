using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>DestroySandbox on a guest of its own: it kills what runs, unmounts the shared directory and ends GetOOMEvent.</summary>
public sealed class GuestSandboxTeardownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DestroySandbox_kills_the_containers_unmounts_the_share_and_ends_the_oom_wait()
    {
        await using GuestVm vm = await GuestVm.BootAsync("x64", Ct);
        await using GuestAgentClient agent = await vm.ConnectAsync(Ct);
        await agent.CallAsync("CreateSandbox", new CreateSandboxRequest { SandboxId = "teardown", Storages = { ContainerSpecs.SharedDirectory() } });
        string rootfs = GuestRootfs.Create(vm, "sleeper");
        await agent.CallAsync("CreateContainer", ContainerSpecs.Create("sleeper", rootfs, ContainerSpecs.Process("sleep", "1000")));
        await agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = "sleeper" });
        Task<OOMEvent> oom = agent.CallAsync("GetOOMEvent", new GetOOMEventRequest(), OOMEvent.Parser);
        Task<int> exit = agent.WaitAsync("sleeper");

        await agent.CallAsync("DestroySandbox", new DestroySandboxRequest());

        Assert.Equal(128 + 9, await exit);
        var ended = await Assert.ThrowsAsync<TtrpcException>(() => oom);
        Assert.Contains("destroyed", ended.Message);
        var gone = await Assert.ThrowsAsync<TtrpcException>(() => agent.CallAsync("CreateContainer", ContainerSpecs.Create("again", rootfs, ContainerSpecs.Process("true"))));
        Assert.Equal(TtrpcStatusCode.NotFound, gone.Code);
        Assert.Contains("rootfs", gone.Message);
    }
}
