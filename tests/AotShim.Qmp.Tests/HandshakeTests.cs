using System.Net.Sockets;
using System.Text.Json;

namespace AotShim.Qmp.Tests;

public sealed class HandshakeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connect_reads_the_greeting_and_negotiates_capabilities()
    {
        using var dir = new TempDirectory();
        await using var server = new FakeQmpServer(dir.Path);
        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(server.SocketPath, ct: Ct);
        await server.AcceptAsync();
        await server.SendLineAsync(FakeQmpServer.Greeting);

        string negotiate = await server.ReceiveCommandTextAsync();
        Assert.False(connecting.IsCompleted);
        await server.SendLineAsync("""{"return": {}, "id": 1}""");
        await using QmpClient client = await connecting;

        Assert.Equal("""{"execute":"qmp_capabilities","id":1}""", negotiate);
        Assert.Equal(new QmpVersionNumbers(7, 2, 22), client.Greeting.Version.Qemu);
        Assert.Equal("Debian 1:7.2+dfsg-7+deb12u18+b3", client.Greeting.Version.Package);
        Assert.Equal(new[] { "oob" }, client.Greeting.Capabilities);
    }

    [Fact]
    public async Task Connect_waits_for_a_greeting_that_comes_after_the_accept()
    {
        using var dir = new TempDirectory();
        await using var server = new FakeQmpServer(dir.Path);
        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(server.SocketPath, ct: Ct);
        await server.AcceptAsync();
        await Task.Delay(80, Ct);
        await server.SendLineAsync(FakeQmpServer.Greeting);
        await server.ReturnAsync(await server.ReceiveCommandAsync(), "{}");

        await using QmpClient client = await connecting;

        Assert.Equal(7, client.Greeting.Version.Qemu.Major);
    }

    [Fact]
    public async Task Connect_retries_until_the_socket_exists()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "qmp.sock");
        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(path, ct: Ct);
        await Task.Delay(150, Ct);
        Assert.False(connecting.IsCompleted);

        await using var server = new FakeQmpServer(dir.Path);
        await server.AcceptAsync();
        await server.SendLineAsync(FakeQmpServer.Greeting);
        await server.ReturnAsync(await server.ReceiveCommandAsync(), "{}");

        await using QmpClient client = await connecting;
        Assert.Equal(path, server.SocketPath);
    }

    [Fact]
    public async Task A_socket_that_never_appears_times_out_naming_it()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "absent.sock");

        var e = await Assert.ThrowsAsync<TimeoutException>(async () =>
            await QmpClient.ConnectAsync(path, new QmpClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(200) }, Ct));

        Assert.Contains(path, e.Message);
        Assert.Contains("200 ms", e.Message);
    }

    [Fact]
    public async Task An_already_connected_socket_can_be_handed_over()
    {
        using var dir = new TempDirectory();
        await using var server = new FakeQmpServer(dir.Path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(server.SocketPath), Ct);
        await server.AcceptAsync();
        await server.SendLineAsync(FakeQmpServer.Greeting);

        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(socket, ct: Ct);
        await server.ReturnAsync(await server.ReceiveCommandAsync(), "{}");
        await using QmpClient client = await connecting;

        Assert.Equal(new[] { "oob" }, client.Greeting.Capabilities);
    }

    [Fact]
    public async Task No_greeting_within_the_timeout_is_a_protocol_error()
    {
        using var dir = new TempDirectory();
        await using var server = new FakeQmpServer(dir.Path);
        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(server.SocketPath, new QmpClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) }, Ct);
        await server.AcceptAsync();

        var e = await Assert.ThrowsAsync<QmpProtocolException>(async () => await connecting);

        Assert.Contains("no QMP greeting", e.Message);
        Assert.Contains("300 ms", e.Message);
        Assert.IsType<TimeoutException>(e.InnerException);
    }

    [Fact]
    public async Task A_truncated_greeting_then_close_is_a_protocol_error()
    {
        using var dir = new TempDirectory();
        await using var server = new FakeQmpServer(dir.Path);
        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(server.SocketPath, ct: Ct);
        await server.AcceptAsync();
        await server.SendAsync("""{"QMP": {"version": {"qemu": {"mic""");
        server.ClosePeer();

        var e = await Assert.ThrowsAsync<QmpProtocolException>(async () => await connecting);

        Assert.Contains("truncated QMP greeting", e.Message);
    }

    [Fact]
    public async Task A_close_before_any_greeting_is_a_protocol_error()
    {
        using var dir = new TempDirectory();
        await using var server = new FakeQmpServer(dir.Path);
        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(server.SocketPath, ct: Ct);
        await server.AcceptAsync();
        server.ClosePeer();

        var e = await Assert.ThrowsAsync<QmpProtocolException>(async () => await connecting);

        Assert.Contains("no QMP greeting", e.Message);
    }

    [Fact]
    public async Task Something_other_than_a_greeting_first_is_a_protocol_error()
    {
        using var dir = new TempDirectory();
        await using var server = new FakeQmpServer(dir.Path);
        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(server.SocketPath, ct: Ct);
        await server.AcceptAsync();
        await server.EventAsync("RESUME", "{}");

        var e = await Assert.ThrowsAsync<QmpProtocolException>(async () => await connecting);

        Assert.Contains("expected the QMP greeting", e.Message);
        Assert.Contains("RESUME", e.Message);
    }

    [Fact]
    public async Task Refused_capabilities_negotiation_is_a_QmpException()
    {
        using var dir = new TempDirectory();
        await using var server = new FakeQmpServer(dir.Path);
        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(server.SocketPath, ct: Ct);
        await server.AcceptAsync();
        await server.SendLineAsync(FakeQmpServer.Greeting);
        JsonElement negotiate = await server.ReceiveCommandAsync();
        await server.ErrorAsync(negotiate, "CommandNotFound", "Capabilities negotiation is already complete, command ignored");

        var e = await Assert.ThrowsAsync<QmpException>(async () => await connecting);

        Assert.Equal("qmp_capabilities", e.Command);
        Assert.Equal("CommandNotFound", e.ErrorClass);
    }
}
