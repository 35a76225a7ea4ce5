using System.Text;
using AotShim.Native;
using AotShim.Shim.Bootstrap;

namespace AotShim.Shim.Tests.Bootstrap;

public sealed class ShimStartTests
{
    private const string ContainerInPod1 =
        """{"ociVersion":"1.0.2","annotations":{"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-id":"pod1"}}""";

    private static readonly ShimArguments SecondContainer =
        new("k8s.io", "c2", "/run/containerd/containerd.sock", "/usr/bin/containerd", null, false, ShimAction.Start);

    [Fact]
    public void A_pods_later_container_gets_the_address_of_the_shim_already_serving_the_pod()
    {
        using var bundle = new TempDirectory();
        using var sockets = new TempDirectory();
        bundle.File("config.json", ContainerInPod1);
        string podSocket = ShimSocket.PathFor(SecondContainer.Address, "k8s.io", "pod1", sockets.Path);
        using FileDescriptor podShim = UnixSockets.Listen(podSocket, backlog: 4);
        var stdout = new MemoryStream();

        int status = ShimStart.Run(SecondContainer, bundle.Path, stdout, sockets.Path);

        Assert.Equal(0, status);
        Assert.Equal("unix://" + podSocket, Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("unix://" + podSocket, File.ReadAllText(Path.Combine(bundle.Path, "address")));
    }
}
