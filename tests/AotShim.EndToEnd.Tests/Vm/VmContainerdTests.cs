using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>A test class of its own against the VM shim: containerd's default configuration is the test guest's, without network.</summary>
public abstract class VmContainerdTests : ContainerdShimTests
{
    private protected TempDirectory Config { get; } = new();

    protected override string Runtime => VmBackend.Runtime;

    protected override string? ShimBinary => Repo.Binary("x64");

    protected override PrivateContainerdOptions ContainerdOptions() => base.ContainerdOptions() with
    {
        Environment = new Dictionary<string, string> { ["ECR_CONF_FILE"] = VmTestConfig.Write(Config.Path, "x64") },
    };

    protected override void CheckPrerequisites()
    {
        base.CheckPrerequisites();
        VmBackend.CheckPrerequisites();
    }

    protected override IEnumerable<string> BackendLeftovers(string id) => VmBackend.Leftovers(id);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Config.Dispose();
    }
}
