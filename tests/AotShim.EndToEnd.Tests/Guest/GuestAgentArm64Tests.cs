using AotShim.Shim.Agent.Protocol;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>The arm64 test guest (virt, -cpu max,pauth-impdef=on, TCG) runs a container with the same agent, built for arm64.</summary>
public sealed class GuestAgentArm64Tests(Arm64GuestAgentFixture guest) : IClassFixture<Arm64GuestAgentFixture>
{
    [Fact]
    public async Task A_container_on_the_arm64_guest_runs_on_aarch64()
    {
        string id = "arm-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);

        await guest.Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, ContainerSpecs.Process("uname", "-m")));
        await guest.Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        Assert.Equal("aarch64\n", await guest.Agent.ReadToEndAsync(id, id));
        Assert.Equal(0, await guest.Agent.WaitAsync(id));
        await guest.Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }
}
