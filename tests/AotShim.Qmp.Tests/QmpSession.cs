namespace AotShim.Qmp.Tests;

/// <summary>A fake server and a client that completed the handshake with it; disposing ends both.</summary>
internal sealed class QmpSession(FakeQmpServer server, QmpClient client) : IAsyncDisposable
{
    public FakeQmpServer Server { get; } = server;

    public QmpClient Client { get; } = client;

    public static async Task<QmpSession> StartAsync(TempDirectory directory, QmpClientOptions? options = null)
    {
        (FakeQmpServer server, QmpClient client) = await FakeQmpServer.StartNegotiatedAsync(directory, options);
        return new QmpSession(server, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
