using AotShim.Shim.Agent.Protocol;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>One booted guest per test class, its sandbox created over the 9p shared directory; torn down after the class.</summary>
public abstract class GuestAgentFixture(string arch) : IAsyncLifetime
{
    private GuestVm? _vm;
    private GuestAgentClient? _agent;

    internal GuestVm Vm => _vm ?? throw new InvalidOperationException("the guest is not booted");

    internal GuestAgentClient Agent => _agent ?? throw new InvalidOperationException("the agent is not connected");

    public async ValueTask InitializeAsync()
    {
        _vm = await GuestVm.BootAsync(arch, TestContext.Current.CancellationToken);
        _agent = await _vm.ConnectAsync(TestContext.Current.CancellationToken);
        await _agent.CallAsync("CreateSandbox", new CreateSandboxRequest
        {
            Hostname = "ecr-sandbox",
            SandboxId = "sandbox-" + arch,
            Storages = { ContainerSpecs.SharedDirectory() },
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_vm is not null)
        {
            await _vm.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class X64GuestAgentFixture() : GuestAgentFixture("x64");

public sealed class Arm64GuestAgentFixture() : GuestAgentFixture("arm64");
