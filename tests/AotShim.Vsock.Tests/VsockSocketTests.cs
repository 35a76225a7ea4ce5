using System.Net.Sockets;
using AotShim.Native;
using AotShim.Vsock;

namespace AotShim.Vsock.Tests;

public sealed class VsockSocketTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cancelled_accept_ends_promptly_and_disposing_frees_the_port()
    {
        uint port = (uint)Random.Shared.Next(20_000, 60_000);
        using (var listener = VsockListener.Listen(port))
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            Task<Socket> accepting = listener.AcceptAsync(cancel.Token);
            cancel.CancelAfter(TimeSpan.FromMilliseconds(100));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await accepting);
        }

        // Binding again would fail with EADDRINUSE had the first socket stayed open.
        VsockListener.Listen(port).Dispose();
    }

    [Fact]
    public async Task A_connect_nobody_answers_fails_naming_the_address()
    {
        var e = await Assert.ThrowsAsync<NativeException>(async () =>
            await VsockConnector.ConnectAsync(cid: 1, port: 1024, TimeSpan.FromMilliseconds(200), Ct));

        Assert.Contains("connect(vsock://1:1024)", e.Message);
    }
}
