using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AotShim.Qmp.Tests;

/// <summary>A scripted QMP peer on a unix socket in a test's temp directory: it says exactly what a test tells it to.</summary>
internal sealed class FakeQmpServer : IAsyncDisposable
{
    public const string Greeting =
        """{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}""";

    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private Socket? _peer;
    private StreamReader? _lines;

    public FakeQmpServer(string directory)
    {
        SocketPath = Path.Combine(directory, "qmp.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(1);
    }

    public string SocketPath { get; }

    /// <summary>Starts a client connecting to this server and completes the handshake from the server side.</summary>
    public static async Task<(FakeQmpServer Server, QmpClient Client)> StartNegotiatedAsync(TempDirectory directory, QmpClientOptions? options = null)
    {
        var server = new FakeQmpServer(directory.Path);
        ValueTask<QmpClient> connecting = QmpClient.ConnectAsync(server.SocketPath, options, TestContext.Current.CancellationToken);
        await server.AcceptAsync();
        await server.SendLineAsync(Greeting);
        JsonElement negotiate = await server.ReceiveCommandAsync();
        Assert.Equal("qmp_capabilities", negotiate.GetProperty("execute").GetString());
        await server.ReturnAsync(negotiate, "{}");
        return (server, await connecting);
    }

    public async Task AcceptAsync()
    {
        _peer = await _listener.AcceptAsync(TestContext.Current.CancellationToken);
        _lines = new StreamReader(new NetworkStream(_peer, ownsSocket: false), Encoding.UTF8);
    }

    public Task SendLineAsync(string json) => SendAsync(json + "\r\n");

    public async Task SendAsync(string text) =>
        await Peer.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None, TestContext.Current.CancellationToken);

    /// <summary>The next command the client sent, as parsed JSON.</summary>
    public async Task<JsonElement> ReceiveCommandAsync()
    {
        string line = await _lines!.ReadLineAsync(TestContext.Current.CancellationToken) ?? throw new EndOfStreamException("the client closed the connection");
        return JsonDocument.Parse(line).RootElement;
    }

    /// <summary>The next command's raw JSON text, to compare what the client wrote byte for byte.</summary>
    public async Task<string> ReceiveCommandTextAsync() =>
        await _lines!.ReadLineAsync(TestContext.Current.CancellationToken) ?? throw new EndOfStreamException("the client closed the connection");

    public Task ReturnAsync(JsonElement command, string value) =>
        SendLineAsync($$"""{"return": {{value}}, "id": {{command.GetProperty("id").GetInt64()}}}""");

    public Task ErrorAsync(JsonElement command, string errorClass, string description) =>
        SendLineAsync($$$"""{"id": {{{command.GetProperty("id").GetInt64()}}}, "error": {"class": "{{{errorClass}}}", "desc": "{{{description}}}"}}""");

    public Task EventAsync(string name, string data) =>
        SendLineAsync($$"""{"timestamp": {"seconds": 1795548900, "microseconds": 616848}, "event": "{{name}}", "data": {{data}}}""");

    /// <summary>Closes the connection as QEMU does when it exits.</summary>
    public void ClosePeer() => Peer.Dispose();

    public ValueTask DisposeAsync()
    {
        _peer?.Dispose();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    private Socket Peer => _peer ?? throw new InvalidOperationException("no client connected yet");
}
