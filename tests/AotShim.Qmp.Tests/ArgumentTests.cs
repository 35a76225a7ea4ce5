using System.Text.Json;

namespace AotShim.Qmp.Tests;

/// <summary>What the typed operations put on the wire, byte for byte, as QEMU's QAPI schema spells it.</summary>
public sealed class ArgumentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Device_add_of_each_device_kind_writes_its_driver_and_properties()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);

        Assert.Equal(
            """{"execute":"device_add","arguments":{"driver":"virtio-blk-pci","id":"blk0","drive":"d0","bus":"rp0","addr":"0x0"},"id":2}""",
            await SentByAsync(session, c => c.DeviceAddAsync(new VirtioBlkDevice("blk0", "d0") { Bus = "rp0", Addr = "0x0" }, ct: Ct)));
        Assert.Equal(
            """{"execute":"device_add","arguments":{"driver":"scsi-hd","id":"sd0","drive":"d1","bus":"scsi0.0","scsi-id":0,"lun":3},"id":3}""",
            await SentByAsync(session, c => c.DeviceAddAsync(new ScsiHdDevice("sd0", "d1") { Bus = "scsi0.0", ScsiId = 0, Lun = 3 }, ct: Ct)));
        Assert.Equal(
            """{"execute":"device_add","arguments":{"driver":"virtio-net-pci","id":"net0","netdev":"tap0","mac":"02:00:ca:fe:00:01","mq":true,"vectors":6,"bus":"rp1"},"id":4}""",
            await SentByAsync(session, c => c.DeviceAddAsync(new VirtioNetDevice("net0", "tap0") { Mac = "02:00:ca:fe:00:01", Mq = true, Vectors = 6, Bus = "rp1" }, ct: Ct)));
        Assert.Equal(
            """{"execute":"device_add","arguments":{"driver":"vfio-pci","id":"vfio0","host":"0000:3b:00.0","bus":"rp2"},"id":5}""",
            await SentByAsync(session, c => c.HotplugVfioAsync(new VfioPciDevice("vfio0", "0000:3b:00.0") { Bus = "rp2" }, ct: Ct)));
        Assert.Equal(
            """{"execute":"device_add","arguments":{"driver":"qemu64-x86_64-cpu","id":"cpu1","node-id":0,"socket-id":0,"core-id":1,"thread-id":0},"id":6}""",
            await SentByAsync(session, c => c.DeviceAddAsync(new CpuDevice("cpu1", "qemu64-x86_64-cpu", new CpuProperties(NodeId: 0, SocketId: 0, CoreId: 1, ThreadId: 0)), ct: Ct)));
    }

    [Fact]
    public async Task Blockdev_add_writes_a_raw_node_over_a_file_or_host_device_node()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);

        Assert.Equal(
            """{"execute":"blockdev-add","arguments":{"driver":"raw","node-name":"d0","read-only":true,"file":{"driver":"file","filename":"/var/lib/disk.img"}},"id":2}""",
            await SentByAsync(session, c => c.BlockdevAddAsync(new RawFileBlockdev("d0", "/var/lib/disk.img") { ReadOnly = true }, ct: Ct)));
        Assert.Equal(
            """{"execute":"blockdev-add","arguments":{"driver":"raw","node-name":"d1","read-only":false,"cache":{"direct":true,"no-flush":false},"file":{"driver":"host_device","filename":"/dev/sdb","aio":"native"}},"id":3}""",
            await SentByAsync(session, c => c.BlockdevAddAsync(new RawFileBlockdev("d1", "/dev/sdb") { HostDevice = true, Direct = true, Aio = "native" }, ct: Ct)));
    }

    [Fact]
    public async Task Memory_hotplug_writes_the_backend_then_the_dimm_or_virtio_mem()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);

        ValueTask dimm = session.Client.HotplugMemoryAsync(
            new MemoryBackend("mem1", 256UL << 20) { MemPath = "/dev/shm", Share = true }, new PcDimmDevice("dimm1", "mem1"), ct: Ct);
        Assert.Equal(
            """{"execute":"object-add","arguments":{"qom-type":"memory-backend-file","id":"mem1","size":268435456,"mem-path":"/dev/shm","share":true},"id":2}""",
            await AnswerNextAsync(session));
        Assert.Equal("""{"execute":"device_add","arguments":{"driver":"pc-dimm","id":"dimm1","memdev":"mem1"},"id":3}""", await AnswerNextAsync(session));
        await dimm;

        ValueTask virtioMem = session.Client.HotplugMemoryAsync(
            new MemoryBackend("mem2", 1UL << 30) { Prealloc = true }, new VirtioMemDevice("vmem0", "mem2") { RequestedSize = 512UL << 20, Bus = "rp0" }, ct: Ct);
        Assert.Equal(
            """{"execute":"object-add","arguments":{"qom-type":"memory-backend-ram","id":"mem2","size":1073741824,"prealloc":true},"id":4}""",
            await AnswerNextAsync(session));
        Assert.Equal(
            """{"execute":"device_add","arguments":{"driver":"virtio-mem-pci","id":"vmem0","memdev":"mem2","requested-size":536870912,"bus":"rp0"},"id":5}""",
            await AnswerNextAsync(session));
        await virtioMem;
    }

    [Fact]
    public async Task A_refused_dimm_removes_its_backend_again()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);

        ValueTask dimm = session.Client.HotplugMemoryAsync(new MemoryBackend("mem1", 256UL << 20), new PcDimmDevice("dimm1", "mem1"), ct: Ct);
        await AnswerNextAsync(session);
        JsonElement deviceAdd = await session.Server.ReceiveCommandAsync();
        await session.Server.ErrorAsync(deviceAdd, "GenericError", "no slots where allocated, please specify the 'slots' option");
        Assert.Equal("""{"execute":"object-del","arguments":{"id":"mem1"},"id":4}""", await AnswerNextAsync(session));

        var e = await Assert.ThrowsAsync<QmpException>(async () => await dimm);
        Assert.Contains("'slots' option", e.Description);
    }

    [Fact]
    public async Task Tap_hotplug_passes_each_queue_then_adds_the_netdev_and_the_device()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        using var queue0 = File.OpenHandle("/dev/null");
        using var queue1 = File.OpenHandle("/dev/null");

        ValueTask plugging = session.Client.HotplugTapAsync(new VirtioNetDevice("net0", "tap0") { Mq = true, Vectors = 6 }, [queue0, queue1], [], ct: Ct);

        // The leading space is the byte the descriptor rides on (SCM_RIGHTS); QEMU's parser skips it.
        Assert.Equal(""" {"execute":"getfd","arguments":{"fdname":"tap0-tap0"},"id":2}""", await AnswerNextAsync(session));
        Assert.Equal(""" {"execute":"getfd","arguments":{"fdname":"tap0-tap1"},"id":3}""", await AnswerNextAsync(session));
        Assert.Equal("""{"execute":"netdev_add","arguments":{"type":"tap","id":"tap0","fds":"tap0-tap0:tap0-tap1","vhost":false},"id":4}""", await AnswerNextAsync(session));
        Assert.Equal("""{"execute":"device_add","arguments":{"driver":"virtio-net-pci","id":"net0","netdev":"tap0","mq":true,"vectors":6},"id":5}""", await AnswerNextAsync(session));
        await plugging;
    }

    [Fact]
    public async Task Netdev_add_with_vhost_names_the_vhost_descriptors()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);

        Assert.Equal(
            """{"execute":"netdev_add","arguments":{"type":"tap","id":"tap0","fds":"t0","vhost":true,"vhostfds":"v0"},"id":2}""",
            await SentByAsync(session, c => c.NetdevAddAsync(new TapNetdev("tap0", ["t0"]) { Vhost = true, VhostFdNames = ["v0"] }, ct: Ct)));
    }

    [Fact]
    public async Task Block_unplug_deletes_the_node_only_after_DEVICE_DELETED()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);

        ValueTask unplugging = session.Client.UnplugBlockDeviceAsync("blk0", "d0", ct: Ct);
        Assert.Equal("""{"execute":"device_del","arguments":{"id":"blk0"},"id":2}""", await AnswerNextAsync(session));
        await session.Server.EventAsync("DEVICE_DELETED", """{"device": "blk0", "path": "/machine/peripheral/blk0"}""");
        Assert.Equal("""{"execute":"blockdev-del","arguments":{"node-name":"d0"},"id":3}""", await AnswerNextAsync(session));
        await unplugging;
    }

    [Fact]
    public async Task An_empty_hotpluggable_cpu_list_is_not_supported_naming_the_machine()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);

        ValueTask<HotpluggableCpu> plugging = session.Client.HotplugCpuAsync("cpu1", ct: Ct);
        await session.Server.ReturnAsync(await session.Server.ReceiveCommandAsync(), "[]");
        JsonElement machine = await session.Server.ReceiveCommandAsync();
        await session.Server.ReturnAsync(machine, "\"microvm-machine\"");

        var e = await Assert.ThrowsAsync<QmpNotSupportedException>(async () => await plugging);
        Assert.Equal("CPU hotplug", e.Operation);
        Assert.Equal("microvm", e.Machine);
        Assert.Equal("/machine", machine.GetProperty("arguments").GetProperty("path").GetString());
    }

    [Fact]
    public async Task Cpu_hotplug_takes_the_lowest_free_slot_from_query_hotpluggable_cpus()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);

        ValueTask<HotpluggableCpu> plugging = session.Client.HotplugCpuAsync("cpu2", ct: Ct);
        await session.Server.ReturnAsync(await session.Server.ReceiveCommandAsync(), """
            [{"props": {"core-id": 2, "thread-id": 0, "socket-id": 0}, "vcpus-count": 1, "type": "host-x86_64-cpu"},
             {"props": {"core-id": 1, "thread-id": 0, "socket-id": 0}, "vcpus-count": 1, "type": "host-x86_64-cpu"},
             {"props": {"core-id": 0, "thread-id": 0, "socket-id": 0}, "vcpus-count": 1, "qom-path": "/machine/unattached/device[0]", "type": "host-x86_64-cpu"}]
            """.ReplaceLineEndings(""));

        Assert.Equal(
            """{"execute":"device_add","arguments":{"driver":"host-x86_64-cpu","id":"cpu2","socket-id":0,"core-id":1,"thread-id":0},"id":3}""",
            await AnswerNextAsync(session));
        HotpluggableCpu slot = await plugging;
        Assert.Equal(1, slot.Props.CoreId);
        Assert.Equal("/machine/peripheral/cpu2", slot.QomPath);
    }

    private static async Task<string> SentByAsync(QmpSession session, Func<QmpClient, ValueTask> operation)
    {
        ValueTask running = operation(session.Client);
        string sent = await AnswerNextAsync(session);
        await running;
        return sent;
    }

    /// <summary>The next command's text, answered with an empty success.</summary>
    private static async Task<string> AnswerNextAsync(QmpSession session)
    {
        string text = await session.Server.ReceiveCommandTextAsync();
        await session.Server.ReturnAsync(JsonDocument.Parse(text).RootElement, "{}");
        return text;
    }
}
