using System.Text.Json;

namespace AotShim.Qmp.Tests;

public sealed class CommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reply_is_deserialized_into_the_callers_type()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask<QmpStatus> status = client.QueryStatusAsync(ct: Ct);
        JsonElement command = await server.ReceiveCommandAsync();
        await server.ReturnAsync(command, """{"status": "prelaunch", "singlestep": false, "running": false}""");

        Assert.Equal(new QmpStatus("prelaunch", false), await status);
        Assert.Equal("query-status", command.GetProperty("execute").GetString());
        Assert.Equal(2, command.GetProperty("id").GetInt64());
        Assert.False(command.TryGetProperty("arguments", out _));
    }

    [Fact]
    public async Task Ids_increase_and_concurrent_commands_get_their_own_replies_in_order()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask<string> first = client.ExecuteAsync("first", TestJsonContext.Default.String, ct: Ct);
        ValueTask<NamedValue> second = client.ExecuteAsync("second", TestJsonContext.Default.NamedValue, ct: Ct);
        JsonElement one = await server.ReceiveCommandAsync();
        JsonElement two = await server.ReceiveCommandAsync();
        // QEMU puts "id" before or after "return" as its hash table falls: both orders must work.
        await server.SendLineAsync($$"""{"return": "one", "id": {{one.GetProperty("id").GetInt64()}}}""");
        await server.SendLineAsync($$$"""{"id": {{{two.GetProperty("id").GetInt64()}}}, "return": {"name": "two", "value": 2}}""");

        Assert.Equal("one", await first);
        Assert.Equal(new NamedValue("two", 2), await second);
        Assert.Equal(one.GetProperty("id").GetInt64() + 1, two.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task An_error_reply_is_a_QmpException_with_class_description_and_command()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask failing = client.BlockdevDelAsync("d0", ct: Ct);
        await server.ErrorAsync(await server.ReceiveCommandAsync(), "GenericError", "Node d0 is in use");
        var e = await Assert.ThrowsAsync<QmpException>(async () => await failing);

        Assert.Equal("blockdev-del", e.Command);
        Assert.Equal("GenericError", e.ErrorClass);
        Assert.Equal("Node d0 is in use", e.Description);
        Assert.Equal("QMP command 'blockdev-del' failed: GenericError: Node d0 is in use", e.Message);
    }

    [Fact]
    public async Task A_timed_out_command_keeps_its_slot_and_the_next_command_gets_its_own_answer()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        (JsonElement slowCommand, TimeoutException e) = await TimeOutSlowAsync(server, client);
        ValueTask<string> next = client.ExecuteAsync("next", TestJsonContext.Default.String, ct: Ct);
        JsonElement nextCommand = await server.ReceiveCommandAsync();
        await server.ReturnAsync(slowCommand, "\"late answer for slow\"");
        await server.ReturnAsync(nextCommand, "\"answer for next\"");

        Assert.Equal("answer for next", await next);
        Assert.Contains("'slow'", e.Message);
        Assert.Contains("100 ms", e.Message);
    }

    [Fact]
    public async Task Commands_reusing_a_finished_commands_slot_get_their_own_answers_and_none_of_its_deadline()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);
        (JsonElement slowCommand, _) = await TimeOutSlowAsync(server, client);
        await server.ReturnAsync(slowCommand, "\"late answer for slow\"");

        for (int i = 0; i < 5; i++)
        {
            ValueTask<string> quick = client.ExecuteAsync($"quick{i}", TestJsonContext.Default.String, TimeSpan.FromMilliseconds(200), Ct);
            JsonElement quickCommand = await server.ReceiveCommandAsync();
            await server.ReturnAsync(quickCommand, $"\"answer {i}\"");
            Assert.Equal($"answer {i}", await quick);
        }

        // Answered after the quick ones' 200 ms would have run out: a deadline left armed in a reused slot would fail it.
        ValueTask<string> patient = client.ExecuteAsync("patient", TestJsonContext.Default.String, ct: Ct);
        JsonElement patientCommand = await server.ReceiveCommandAsync();
        await Task.Delay(400, Ct);
        await server.ReturnAsync(patientCommand, "\"answer for patient\"");

        Assert.Equal("answer for patient", await patient);
        Assert.Equal("patient", patientCommand.GetProperty("execute").GetString());
    }

    [Fact]
    public async Task A_cancelled_command_keeps_its_slot_and_its_late_error_is_discarded()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        ValueTask cancelled = client.ExecuteAsync("cancelled", ct: cancel.Token);
        JsonElement cancelledCommand = await server.ReceiveCommandAsync();
        await cancel.CancelAsync();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cancelled);
        ValueTask<int> next = client.ExecuteAsync("next", TestJsonContext.Default.Int32, ct: Ct);
        JsonElement nextCommand = await server.ReceiveCommandAsync();
        await server.ErrorAsync(cancelledCommand, "GenericError", "too late");
        await server.ReturnAsync(nextCommand, "42");

        Assert.Equal(42, await next);
        Assert.Equal(cancel.Token, e.CancellationToken);
    }

    [Fact]
    public async Task A_reply_that_does_not_fit_the_result_type_fails_only_its_command()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask<int> wrong = client.ExecuteAsync("wrong", TestJsonContext.Default.Int32, ct: Ct);
        await server.ReturnAsync(await server.ReceiveCommandAsync(), "{\"not\": \"an int\"}");
        var e = await Assert.ThrowsAsync<QmpProtocolException>(async () => await wrong);
        ValueTask<int> right = client.ExecuteAsync("right", TestJsonContext.Default.Int32, ct: Ct);
        await server.ReturnAsync(await server.ReceiveCommandAsync(), "7");

        Assert.Equal(7, await right);
        Assert.Contains("'wrong'", e.Message);
    }

    [Fact]
    public async Task Closing_mid_command_fails_every_pending_command_and_later_ones()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask<QmpStatus> first = client.QueryStatusAsync(ct: Ct);
        ValueTask second = client.StopAsync(ct: Ct);
        await server.ReceiveCommandAsync();
        await server.ReceiveCommandAsync();
        server.ClosePeer();

        var e1 = await Assert.ThrowsAsync<QmpConnectionClosedException>(async () => await first);
        var e2 = await Assert.ThrowsAsync<QmpConnectionClosedException>(async () => await second);
        var e3 = await Assert.ThrowsAsync<QmpConnectionClosedException>(async () => await client.ContinueAsync(ct: Ct));
        Assert.Contains("closed before 'query-status' (id 2) was answered", e1.Message);
        Assert.Contains("closed before 'stop' (id 3) was answered", e2.Message);
        Assert.Contains("is closed", e3.Message);
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.True(client.Events.Completion.IsCompleted);
    }

    [Fact]
    public async Task Disposing_fails_pending_commands_instead_of_leaving_them_hanging()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask<QmpStatus> pending = client.QueryStatusAsync(ct: Ct);
        await server.ReceiveCommandAsync();
        await client.DisposeAsync();

        var e = await Assert.ThrowsAsync<QmpConnectionClosedException>(async () => await pending);
        Assert.Contains("disposed", e.InnerException!.Message);
    }

    /// <summary>Sends "slow" with a 100 ms limit and lets it time out unanswered; its slot stays in the FIFO.</summary>
    private static async Task<(JsonElement Command, TimeoutException Timeout)> TimeOutSlowAsync(FakeQmpServer server, QmpClient client)
    {
        ValueTask<string> slow = client.ExecuteAsync("slow", TestJsonContext.Default.String, TimeSpan.FromMilliseconds(100), Ct);
        JsonElement command = await server.ReceiveCommandAsync();
        return (command, await Assert.ThrowsAsync<TimeoutException>(async () => await slow));
    }
}
