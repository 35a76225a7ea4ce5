namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>
/// Validates the containerd harness itself (PrivateContainerd, Ctr, CtrEvents, BusyboxImage) against
/// Debian's own runc shim, containerd-shim-runc-v2 (runtime io.containerd.runc.v2), which containerd
/// finds on its normal PATH. The same test bodies run against our shim by a subclass naming
/// io.containerd.ecr.v2 and <see cref="ShimLifecycleTests.ShimBinary"/> = Repo.Binary("x64").
/// </summary>
public sealed class RuncShimHarnessTests : ShimLifecycleTests
{
    protected override string Runtime => "io.containerd.runc.v2";

    // containerd 1.6's runc shim leaves /run/containerd/s/HASH behind when it is SIGKILLed.
    protected override bool ShimSocketRemovedAfterShimCrash => false;

    protected override void CheckPrerequisites()
    {
        base.CheckPrerequisites();
        Assert.True(File.Exists("/usr/bin/containerd-shim-runc-v2"), "containerd-shim-runc-v2 is missing: apt-get install containerd");
        Assert.True(File.Exists("/usr/sbin/runc") || File.Exists("/usr/bin/runc"), "runc is missing: apt-get install runc");
    }
}
