using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>
/// A pod in a network namespace CNI-style: the guest takes over eth0's address, reaches the gateway and answers its
/// pings, through a tap joined by tc redirects (tcfilter) or a macvtap (macvtap); after delete the namespace is as CNI left it.
/// </summary>
public sealed class PodNetworkTests : VmContainerdTests
{
    [Theory]
    [InlineData("tcfilter")]
    [InlineData("macvtap")]
    public async Task ThePeerPingsTheGuestAndDeleteRemovesEveryTapAndFilter(string model)
    {
        await using CniNetwork cni = await CniNetwork.CreateAsync();
        string vethBefore = await cni.InPodAsync("ip", "-o", "-4", "addr", "show", "dev", "eth0");
        string routesBefore = await cni.InPodAsync("ip", "route", "show");
        string config = VmTestConfig.Write(Config.Path, "x64", name: model, runtimeKeys: $"internetworking_model = \"{model}\"");
        string id = NewId(model);

        (await Ctr.RunContainerAsync(new CtrRun(Image, id, ["/bin/sh", "-c", $"ping -c 1 -W 10 {cni.PeerAddress} > /tmp/ping 2>&1; echo $? > /tmp/pinged; exec sleep 1000"])
        {
            Detach = true,
            RuntimeConfigPath = config,
            ExtraArgs = ["--with-ns", "network:" + cni.PodNetnsPath],
        }, TestContext.Current.CancellationToken)).EnsureSuccess();
        await Ctr.WaitForStatusAsync(id, "RUNNING");

        CommandResult guestAddress = await Ctr.ExecAsync(id, "addr", "/bin/sh", "-c", "ip -o -4 addr show dev eth0; ip route show default");
        Assert.True(guestAddress.Succeeded, guestAddress.ToString());
        Assert.Contains($"{cni.PodAddress}/24", guestAddress.Stdout);
        Assert.Contains($"default via {cni.PeerAddress}", guestAddress.Stdout);
        CommandResult outward = await Ctr.ExecAsync(id, "pinged", "/bin/sh", "-c", "while [ ! -s /tmp/pinged ]; do sleep 0.2; done; cat /tmp/pinged /tmp/ping");
        Assert.True(outward.Stdout.StartsWith("0\n", StringComparison.Ordinal), "the guest could not ping the gateway: " + outward);
        CommandResult inward = await cni.PingFromPeerAsync(3);
        Assert.True(inward.Succeeded, "the peer could not ping the guest: " + inward);

        string links = await cni.InPodAsync("ip", "-d", "link", "show");
        if (model == "tcfilter")
        {
            Assert.Contains("tap0_kata", links);
            Assert.Contains("multi_queue", links);
            string filters = await cni.InPodAsync("tc", "filter", "show", "dev", "eth0", "ingress");
            Assert.Contains("mirred", filters);
            Assert.Contains("tap0_kata", filters);
            Assert.Contains("eth0", await cni.InPodAsync("tc", "filter", "show", "dev", "tap0_kata", "ingress"));
        }
        else
        {
            Assert.Contains("macvtap0_kata", links);
            Assert.Contains("macvtap mode bridge", links);
            Assert.DoesNotContain(cni.PodAddress, await cni.InPodAsync("ip", "-o", "-4", "addr", "show", "dev", "eth0"));
        }

        await KillAndRemoveAsync(id);
        string linksAfter = await cni.InPodAsync("ip", "link", "show");
        Assert.DoesNotContain("_kata", linksAfter);
        Assert.DoesNotContain("ingress", await cni.InPodAsync("tc", "qdisc", "show", "dev", "eth0"));
        Assert.Equal(vethBefore, await cni.InPodAsync("ip", "-o", "-4", "addr", "show", "dev", "eth0"));
        Assert.Equal(routesBefore, await cni.InPodAsync("ip", "route", "show"));
    }

    [Fact]
    public async Task AnInterfaceCniAddsLater_IsHotpluggedWhenTheNextContainerJoins()
    {
        await using CniNetwork cni = await CniNetwork.CreateAsync();
        string config = VmTestConfig.Write(Config.Path, "x64", name: "rescan", runtimeKeys: "internetworking_model = \"tcfilter\"");
        string pod = NewId("pod");
        string member = NewId("member");
        (await Ctr.RunContainerAsync(new CtrRun(Image, pod, ["/bin/sleep", "1000"])
        {
            Detach = true,
            RuntimeConfigPath = config,
            ExtraArgs = ["--with-ns", "network:" + cni.PodNetnsPath, "--annotation", "io.kubernetes.cri.container-type=sandbox"],
        }, TestContext.Current.CancellationToken)).EnsureSuccess();
        await Ctr.WaitForStatusAsync(pod, "RUNNING");
        await cni.AddInterfaceAsync("10.199.7.2", "10.199.7.1");

        CommandResult joined = await Ctr.RunContainerAsync(new CtrRun(Image, member, ["/bin/sh", "-c", "ip -o -4 addr show"])
        {
            Remove = true,
            RuntimeConfigPath = config,
            ExtraArgs = ["--annotation", "io.kubernetes.cri.container-type=container", "--annotation", "io.kubernetes.cri.sandbox-id=" + pod],
        }, TestContext.Current.CancellationToken);

        Assert.True(joined.Succeeded, joined.ToString());
        Assert.Matches($@"eth0\s+inet {cni.PodAddress.Replace(".", "\\.")}/24", joined.Stdout);
        Assert.Matches(@"eth1\s+inet 10\.199\.7\.2/24", joined.Stdout);
        Assert.Contains("tap1_kata", await cni.InPodAsync("tc", "filter", "show", "dev", "eth1", "ingress"));
        CommandResult ping = await cni.PingFromPeerAsync(3, "10.199.7.2");
        Assert.True(ping.Succeeded, "the peer could not ping the hot-plugged interface: " + ping);

        await KillAndRemoveAsync(pod);
        Assert.DoesNotContain("_kata", await cni.InPodAsync("ip", "link", "show"));
        Assert.DoesNotContain("ingress", await cni.InPodAsync("tc", "qdisc", "show", "dev", "eth1"));
    }

    [Fact]
    public async Task DisableNewNetns_LeavesThePodsNamespaceAlone()
    {
        await using CniNetwork cni = await CniNetwork.CreateAsync();
        string config = VmTestConfig.Write(Config.Path, "x64", name: "nonetns", runtimeKeys: "internetworking_model = \"tcfilter\"\ndisable_new_netns = true");
        string id = NewId("nonetns");

        CommandResult run = await Ctr.RunContainerAsync(new CtrRun(Image, id, ["/bin/sh", "-c", "ip -o -4 addr show"])
        {
            Remove = true,
            RuntimeConfigPath = config,
            ExtraArgs = ["--with-ns", "network:" + cni.PodNetnsPath],
        }, TestContext.Current.CancellationToken);

        Assert.True(run.Succeeded, run.ToString());
        Assert.DoesNotContain(cni.PodAddress, run.Stdout);
        Assert.Empty(await cni.InPodAsync("tc", "qdisc", "show", "dev", "eth0", "ingress"));
        Assert.DoesNotContain("_kata", await cni.InPodAsync("ip", "link", "show"));
        await AssertNothingLeftAsync(id);
    }
}
