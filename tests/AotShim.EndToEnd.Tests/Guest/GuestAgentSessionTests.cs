using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>Whole agent sessions on an x64 guest of their own: host reconnects, and DestroySandbox.</summary>
public sealed class GuestAgentSessionTests
{
    private const int SigKill = 9;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_host_reconnect_is_a_new_connection_and_a_read_cut_off_with_the_old_one_loses_no_output()
    {
        await using GuestVm vm = await GuestVm.BootAsync("x64", Ct);
        string rootfs = GuestRootfs.Create(vm, "echo");
        Task<ReadStreamResponse> cutOff;
        await using (GuestAgentClient first = await vm.ConnectAsync(Ct))
        {
            await first.CallAsync("CreateSandbox", new CreateSandboxRequest { SandboxId = "reconnect", Storages = { ContainerSpecs.SharedDirectory() } });
            await first.CallAsync("CreateContainer", ContainerSpecs.Create("echo", rootfs, ContainerSpecs.Process("sh", "-c", "read line; echo $line")));
            await first.CallAsync("StartContainer", new StartContainerRequest { ContainerId = "echo" });
            cutOff = first.CallAsync("ReadStdout", new ReadStreamRequest { ContainerId = "echo", ExecId = "echo", Len = 100 }, ReadStreamResponse.Parser);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => cutOff);
        await using GuestAgentClient second = await vm.ConnectAsync(Ct);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await second.CheckAsync()).Status);
        await second.CallAsync("WriteStdin", new WriteStreamRequest { ContainerId = "echo", ExecId = "echo", Data = Google.Protobuf.ByteString.CopyFromUtf8("after reconnect\n") }, WriteStreamResponse.Parser);

        Assert.Equal("after reconnect\n", await second.ReadToEndAsync("echo", "echo"));
        Assert.Equal(0, await second.WaitAsync("echo"));
    }

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

        Assert.Equal(128 + SigKill, await exit);
        var ended = await Assert.ThrowsAsync<TtrpcException>(() => oom);
        Assert.Contains("destroyed", ended.Message);
        var gone = await Assert.ThrowsAsync<TtrpcException>(() => agent.CallAsync("CreateContainer", ContainerSpecs.Create("again", rootfs, ContainerSpecs.Process("true"))));
        Assert.Equal(TtrpcStatusCode.NotFound, gone.Code);
        Assert.Contains("rootfs", gone.Message);
    }
}
