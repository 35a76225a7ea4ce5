using AotShim.Native;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Sandbox;
using AotShim.Shim.Storage;
using AotShim.Shim.Ttrpc;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>
/// Container volumes end to end at the agent level: the shim's storage code prepares the host side (a real sandbox
/// share, real QMP hotplug), the test guest's agent mounts what it is told, and a container reads and writes them.
/// </summary>
public sealed class GuestStorageTests(GuestStorageFixture guest) : IClassFixture<GuestStorageFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Host_volumes_reach_the_container_through_the_share_and_emptyDirs_shm_and_a_read_only_root_are_the_guests()
    {
        string id = "volumes-" + Guid.NewGuid().ToString("N")[..8];
        string data = Directory.CreateDirectory(Path.Combine(guest.Root, id, "data")).FullName;
        string config = Directory.CreateDirectory(Path.Combine(guest.Root, id, "config")).FullName;
        string cache = Directory.CreateDirectory(Path.Combine(guest.Root, id, "pods", "volumes", "kubernetes.io~empty-dir", "cache")).FullName;
        File.WriteAllText(Path.Combine(data, "in"), "from the host\n");
        File.WriteAllText(Path.Combine(config, "setting"), "on\n");
        Spec spec = Spec(id, "cat /data/in /config/setting; echo out > /data/out; "
            + "touch /config/x 2>/dev/null || echo config-read-only; touch /x 2>/dev/null || echo root-read-only; "
            + "echo c > /cache/c && cat /cache/c; echo s > /dev/shm/s && cat /dev/shm/s");
        spec.Root.Readonly = true;
        spec.Mounts.Add(Bind("/data", data));
        spec.Mounts.Add(Bind("/config", config, "ro"));
        spec.Mounts.Add(Bind("/cache", cache));
        spec.Mounts.Add(new Mount { Destination = "/dev/shm", Source = "shm", Type = "tmpfs", Options = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" } });

        // A guest-made emptyDir lives below the sandbox container's rootfs: this container plays the sandbox's.
        ContainerRun run = await RunAsync(guest.Storage("virtio-scsi", sandboxId: id), id, spec);

        Assert.Equal((0, "from the host\non\nconfig-read-only\nroot-read-only\nc\ns\n"), (run.Status, run.Output));
        Assert.Equal("out\n", File.ReadAllText(Path.Combine(data, "out")));
        Assert.Equal(["setting"], Directory.GetFiles(config).Select(Path.GetFileName));
        AssertOnlyTheShareIsMounted();
    }

    [Fact]
    public async Task An_ext4_image_plugged_as_a_scsi_disk_keeps_what_the_container_wrote()
    {
        string id = "scsi-" + Guid.NewGuid().ToString("N")[..8];
        string image = SparseImage.Create(Path.Combine(guest.Root, id + ".img"), 16 << 20);
        HostTool.Run("mkfs.ext4", "-q", image);
        Spec spec = Spec(id, "echo written in the guest > /data/hello && cat /data/hello");
        spec.Mounts.Add(new Mount { Destination = "/data", Source = image, Type = "ext4", Options = { "io.katacontainers.fs-opt.block_device=file" } });

        ContainerRun run = await RunAsync(guest.Storage("virtio-scsi"), id, spec);

        Assert.Equal((0, "written in the guest\n"), (run.Status, run.Output));
        Assert.Equal(("scsi", "ext4"), (run.Storages[0].Driver, run.Storages[0].Fstype));
        Assert.Equal("written in the guest\n", HostTool.Run("debugfs", "-R", "cat /hello", image));
        AssertOnlyTheShareIsMounted();
    }

    [Fact]
    public async Task A_host_block_device_is_hot_plugged_as_virtio_blk_bound_into_the_container_and_unplugged_after()
    {
        string id = "blk-" + Guid.NewGuid().ToString("N")[..8];
        using LoopDevice loop = LoopDevice.Attach(Path.Combine(guest.Root, id + ".img"), 1 << 20);
        Spec spec = Spec(id, "echo -n raw-block-data | dd of=/disk conv=notrunc,fsync 2>/dev/null && dd if=/disk bs=14 count=1 2>/dev/null");
        spec.Mounts.Add(Bind("/disk", loop.Path));

        ContainerRun run = await RunAsync(guest.Storage("virtio-blk"), id, spec);

        Assert.Equal((0, "raw-block-data"), (run.Status, run.Output));
        Assert.Equal(new Storage { Driver = "blk", Source = "08/01", Fstype = "bind", MountPoint = "/run/kata-containers/sandbox/storage/MDgvMDE=", Options = { "rbind", "rprivate" } }, run.Storages[0]);
        using (FileStream device = File.OpenRead(loop.Path))
        {
            byte[] head = new byte[14];
            device.ReadExactly(head);
            Assert.Equal("raw-block-data", System.Text.Encoding.ASCII.GetString(head));
        }

        var gone = await Assert.ThrowsAsync<AotShim.Qmp.QmpException>(async () => await guest.Qmp.BlockdevDelAsync(run.Record.Devices[0].NodeName, ct: Ct));
        Assert.Contains("Failed to find node", gone.Description);
        AssertOnlyTheShareIsMounted();
    }

    [Fact]
    public async Task A_storage_the_guest_cannot_find_fails_CreateContainer_and_the_host_side_is_released()
    {
        string id = "nodisk-" + Guid.NewGuid().ToString("N")[..8];
        SandboxStorage sandbox = guest.Storage("virtio-scsi");
        Spec spec = Spec(id, "true");
        ContainerStorage storage = await ContainerStorage.CreateAsync(sandbox, Request(id), spec, Ct);
        var request = new CreateContainerRequest { ContainerId = id, ExecId = id, OCI = spec };
        request.Storages.Add(new Storage { Driver = "blk", Source = "zz/01", Fstype = "ext4", MountPoint = "/run/nowhere" });
        TtrpcException e;
        try
        {
            e = await Assert.ThrowsAsync<TtrpcException>(() => guest.Agent.CallAsync("CreateContainer", request));
        }
        finally
        {
            await storage.ReleaseAsync(Ct);
        }

        Assert.Equal(TtrpcStatusCode.InvalidArgument, e.Code);
        Assert.Contains("\"zz/01\" is not a PCI path", e.Message);
        AssertOnlyTheShareIsMounted();
    }

    /// <summary>
    /// Prepares the host side, runs the container to its end and removes it, then releases the host side (also when a
    /// step failed); returns what the agent was given and what the container printed.
    /// </summary>
    private async Task<ContainerRun> RunAsync(SandboxStorage sandbox, string id, Spec spec)
    {
        ContainerStorage storage = await ContainerStorage.CreateAsync(sandbox, Request(id), spec, Ct);
        bool created = false;
        try
        {
            var create = new CreateContainerRequest { ContainerId = id, ExecId = id, OCI = spec };
            create.Storages.Add(storage.Storages);
            await guest.Agent.CallAsync("CreateContainer", create);
            created = true;
            await guest.Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });
            string output = await guest.Agent.ReadToEndAsync(id, id);
            return new ContainerRun([.. storage.Storages], storage.Record, output, await guest.Agent.WaitAsync(id));
        }
        finally
        {
            if (created)
            {
                await guest.Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
            }

            await storage.ReleaseAsync(Ct);
        }
    }

    /// <summary>A bundle whose rootfs is containerd's single bind mount of a busybox tree on the host.</summary>
    private ContainerRequest Request(string id)
    {
        string lower = Path.Combine(guest.Root, id, "lower");
        GuestRootfs.Populate(lower, guest.Vm.Guest, id);
        string bundle = Directory.CreateDirectory(Path.Combine(guest.Root, id, "bundle", "rootfs")).Parent!.FullName;
        return new ContainerRequest(id, bundle, [new RootfsMount("bind", lower, ["rbind"])], new ProcessStdio("", "", "", false));
    }

    private static Spec Spec(string id, string script) => ContainerSpecs.Create(id, "rootfs", ContainerSpecs.Process("sh", "-c", script)).OCI;

    private static Mount Bind(string destination, string source, params string[] extra) =>
        new() { Destination = destination, Source = source, Type = "bind", Options = { "rbind", "rprivate", extra } };

    /// <summary>What the agent was given for a container (before its release emptied the record) and what it printed.</summary>
    private sealed record ContainerRun(IReadOnlyList<Storage> Storages, StorageRecord Record, string Output, int Status);

    private void AssertOnlyTheShareIsMounted() =>
        Assert.Equal([guest.Share.MountsDirectory, guest.Share.SharedDirectory], Mounts.Under(guest.Root));
}
