using System.Text.Json;

namespace AotShim.Qmp.Tests;

public sealed class EventTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_interleaved_with_replies_go_to_the_events_channel_and_replies_to_their_commands()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask stop = client.StopAsync(ct: Ct);
        ValueTask<QmpStatus> status = client.QueryStatusAsync(ct: Ct);
        JsonElement stopCommand = await server.ReceiveCommandAsync();
        JsonElement statusCommand = await server.ReceiveCommandAsync();
        await server.EventAsync("STOP", "{}");
        await server.ReturnAsync(stopCommand, "{}");
        await server.EventAsync("VSERPORT_CHANGE", """{"open": true, "id": "channel0"}""");
        await server.ReturnAsync(statusCommand, """{"status": "paused", "singlestep": false, "running": false}""");

        await stop;
        Assert.Equal("paused", (await status).Status);
        QmpEvent stopped = await client.Events.ReadAsync(Ct);
        QmpEvent port = await client.Events.ReadAsync(Ct);
        Assert.Equal("STOP", stopped.Name);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795548900).AddTicks(6168480), stopped.Timestamp);
        Assert.Equal("VSERPORT_CHANGE", port.Name);
        Assert.Equal("channel0", port.DataString("id"));
        Assert.True(port.Data.GetProperty("open").GetBoolean());
    }

    [Fact]
    public async Task A_wait_registered_before_the_command_sees_an_event_that_precedes_the_reply()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        // QEMU sends SHUTDOWN before the reply to quit, then closes.
        ValueTask<QmpEvent> quitting = client.QuitAsync(ct: Ct);
        JsonElement quit = await server.ReceiveCommandAsync();
        await server.EventAsync("SHUTDOWN", """{"guest": false, "reason": "host-qmp-quit"}""");
        await server.ReturnAsync(quit, "{}");
        server.ClosePeer();

        QmpEvent shutdown = await quitting;
        Assert.Equal("host-qmp-quit", shutdown.DataString("reason"));
        Assert.Equal("quit", quit.GetProperty("execute").GetString());
    }

    private const string Blinking = "Hot-unplug failed: guest is busy (power indicator blinking)";

    [Fact]
    public async Task Device_removal_waits_for_the_DEVICE_DELETED_that_names_the_device()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask removing = client.DeviceDelAsync("blk0", ct: Ct);
        JsonElement del = await server.ReceiveCommandAsync();
        await server.ReturnAsync(del, "{}");
        await server.EventAsync("DEVICE_DELETED", """{"path": "/machine/peripheral/blk0/virtio-backend"}""");
        await server.EventAsync("DEVICE_DELETED", """{"device": "other", "path": "/machine/peripheral/other"}""");
        await Task.Delay(50, Ct);
        Assert.False(removing.IsCompleted);
        await server.EventAsync("DEVICE_DELETED", """{"device": "blk0", "path": "/machine/peripheral/blk0"}""");

        await removing;
        Assert.Equal("blk0", del.GetProperty("arguments").GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_slot_still_blinking_after_the_plug_is_asked_again_until_it_takes_the_unplug()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask removing = client.DeviceDelAsync("disk1", TimeSpan.FromSeconds(20), Ct);
        await server.ErrorAsync(await server.ReceiveCommandAsync(), "GenericError", Blinking);
        await server.ErrorAsync(await server.ReceiveCommandAsync(), "GenericError", Blinking);
        JsonElement taken = await server.ReceiveCommandAsync();
        await server.ReturnAsync(taken, "{}");
        await server.EventAsync("DEVICE_DELETED", """{"device": "disk1", "path": "/machine/peripheral/disk1"}""");

        await removing;
        Assert.Equal("device_del", taken.GetProperty("execute").GetString());
    }

    [Fact]
    public async Task A_slot_that_stays_busy_fails_the_unplug_with_qemus_answer_at_the_timeout()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask removing = client.DeviceDelAsync("disk1", TimeSpan.FromMilliseconds(300), Ct);
        Task refusing = Task.Run(async () =>
        {
            while (true)
            {
                await server.ErrorAsync(await server.ReceiveCommandAsync(), "GenericError", Blinking);
            }
        }, Ct);

        var e = await Assert.ThrowsAsync<QmpException>(async () => await removing);
        Assert.Equal(("device_del", Blinking), (e.Command, e.Description));
        Assert.False(refusing.IsCompleted);
    }

    [Fact]
    public async Task Other_device_del_errors_are_not_retried()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask removing = client.DeviceDelAsync("ghost", TimeSpan.FromSeconds(20), Ct);
        await server.ErrorAsync(await server.ReceiveCommandAsync(), "DeviceNotFound", "Device 'ghost' not found");

        var e = await Assert.ThrowsAsync<QmpException>(async () => await removing);
        Assert.Equal("DeviceNotFound", e.ErrorClass);
    }

    [Fact]
    public async Task An_event_that_never_comes_times_out_naming_the_event_and_the_timeout()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask removing = client.DeviceDelAsync("blk0", TimeSpan.FromMilliseconds(150), Ct);
        await server.ReturnAsync(await server.ReceiveCommandAsync(), "{}");

        var e = await Assert.ThrowsAsync<TimeoutException>(async () => await removing);
        Assert.Equal("QMP event DEVICE_DELETED for device 'blk0' did not arrive within 150 ms", e.Message);
    }

    [Fact]
    public async Task A_pending_event_wait_fails_when_the_connection_closes()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        using QmpEventWaiter waiter = client.ExpectEvent("GUEST_PANICKED");
        server.ClosePeer();

        var e = await Assert.ThrowsAsync<QmpConnectionClosedException>(async () => await waiter.WaitAsync(ct: Ct));
        Assert.Contains("GUEST_PANICKED", e.Message);
    }

    [Fact]
    public async Task Unread_events_are_bounded_by_dropping_the_oldest()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir, new QmpClientOptions { EventCapacity = 2 });
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        using QmpEventWaiter last = client.ExpectEvent("RESUME");
        await server.EventAsync("STOP", "{}");
        await server.EventAsync("SHUTDOWN", "{}");
        await server.EventAsync("RESUME", "{}");
        await last.WaitAsync(ct: Ct);

        Assert.Equal("SHUTDOWN", (await client.Events.ReadAsync(Ct)).Name);
        Assert.Equal("RESUME", (await client.Events.ReadAsync(Ct)).Name);
    }

    [Fact]
    public async Task The_acpi_ost_wait_matches_its_device_and_reads_the_guest_status()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);
        using QmpEventWaiter acknowledged = client.ExpectAcpiDeviceOst("hotdimm1");

        await server.EventAsync("ACPI_DEVICE_OST", """{"info": {"device": "hotdimm0", "source": 1, "status": 0, "slot": "0", "slot-type": "DIMM"}}""");
        await server.EventAsync("ACPI_DEVICE_OST", """{"info": {"device": "hotdimm1", "source": 1, "status": 1, "slot": "1", "slot-type": "DIMM"}}""");
        QmpEvent ost = await acknowledged.WaitAsync(ct: Ct);

        Assert.Equal("1", ost.Data.GetProperty("info").GetProperty("slot").GetString());
        Assert.Equal(1, QmpClient.AcpiOstStatus(ost));
    }
}
