namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>
/// The shim's containerd face (start/serve/delete bootstrap, TTRPC, task service, events) driven by a real
/// containerd, with the test-only host backend in place of the VM: tests/TestShim, runtime io.containerd.ecrtest.v2.
/// </summary>
public sealed class HostBackendShimTests : ShimLifecycleTests
{
    protected override string Runtime => "io.containerd.ecrtest.v2";

    protected override string? ShimBinary => Path.Combine(
        Repo.Root, "tests", "TestShim", "bin", Environment.GetEnvironmentVariable("ECR_TEST_CONFIGURATION") ?? "Release", "net10.0", "linux-x64", "containerd-shim-ecrtest-v2");

    // The host backend has no freezer: containerd must get a clear Unimplemented.
    protected override bool BackendPauses => false;
}
