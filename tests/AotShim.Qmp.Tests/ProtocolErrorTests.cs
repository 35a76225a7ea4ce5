namespace AotShim.Qmp.Tests;

public sealed class ProtocolErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_garbage_line_fails_the_pending_command_with_a_protocol_error_naming_it()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask<QmpStatus> status = client.QueryStatusAsync(ct: Ct);
        await server.ReceiveCommandAsync();
        await server.SendLineAsync("this is not json");

        var e = await Assert.ThrowsAsync<QmpProtocolException>(async () => await status);
        Assert.Contains("invalid QMP message", e.Message);
        Assert.Contains("'this is not json'", e.Message);
        await Assert.ThrowsAsync<QmpConnectionClosedException>(async () => await client.StopAsync(ct: Ct));
    }

    [Fact]
    public async Task Trailing_garbage_after_the_object_is_a_protocol_error()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask stop = client.StopAsync(ct: Ct);
        await server.ReceiveCommandAsync();
        await server.SendLineAsync("""{"return": {}, "id": 2} {"return": {}}""");

        await Assert.ThrowsAsync<QmpProtocolException>(async () => await stop);
    }

    [Fact]
    public async Task An_oversized_line_is_a_protocol_error_not_unbounded_buffering()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir, new QmpClientOptions { MaxLineLength = 4096 });
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask<string> query = client.ExecuteAsync("query-big", TestJsonContext.Default.String, ct: Ct);
        await server.ReceiveCommandAsync();
        await server.SendAsync("{\"return\": \"" + new string('x', 100_000));

        var e = await Assert.ThrowsAsync<QmpProtocolException>(async () => await query);
        Assert.Contains("exceeds 4096 bytes", e.Message);
    }

    [Fact]
    public async Task A_complete_line_over_the_limit_is_refused_too()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir, new QmpClientOptions { MaxLineLength = 4096 });
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask<string> query = client.ExecuteAsync("query-big", TestJsonContext.Default.String, ct: Ct);
        await server.ReceiveCommandAsync();
        await server.SendLineAsync("{\"return\": \"" + new string('x', 5000) + "\", \"id\": 2}");

        await Assert.ThrowsAsync<QmpProtocolException>(async () => await query);
    }

    [Fact]
    public async Task A_line_just_under_the_limit_is_fine()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir, new QmpClientOptions { MaxLineLength = 200_000 });
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask<string> query = client.ExecuteAsync("query-big", TestJsonContext.Default.String, ct: Ct);
        await server.ReceiveCommandAsync();
        await server.SendLineAsync("{\"return\": \"" + new string('x', 190_000) + "\", \"id\": 2}");

        Assert.Equal(190_000, (await query).Length);
    }

    [Fact]
    public async Task A_reply_with_another_commands_id_is_a_protocol_error()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        ValueTask stop = client.StopAsync(ct: Ct);
        await server.ReceiveCommandAsync();
        await server.SendLineAsync("""{"return": {}, "id": 99}""");

        var e = await Assert.ThrowsAsync<QmpProtocolException>(async () => await stop);
        Assert.Contains("reply id 99 does not belong to the oldest pending command 'stop' (id 2)", e.Message);
    }

    [Fact]
    public async Task A_reply_while_nothing_is_pending_is_a_protocol_error()
    {
        using var dir = new TempDirectory();
        await using QmpSession session = await QmpSession.StartAsync(dir);
        (FakeQmpServer server, QmpClient client) = (session.Server, session.Client);

        await server.SendLineAsync("""{"return": {}, "id": 7}""");
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        var e = await Assert.ThrowsAsync<QmpConnectionClosedException>(async () => await client.StopAsync(ct: Ct));
        Assert.Contains("no command was pending", Assert.IsType<QmpProtocolException>(e.InnerException).Message);
    }
}
