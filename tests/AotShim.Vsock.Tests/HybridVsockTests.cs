using System.Net.Sockets;
using System.Text;
using AotShim.Vsock;

namespace AotShim.Vsock.Tests;

/// <summary>The CONNECT handshake against a unix socket standing in for the VMM's hybrid vsock.</summary>
public sealed class HybridVsockTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_OK_the_socket_carries_the_guest_stream_including_bytes_sent_right_behind_the_reply()
    {
        using var vmm = FakeVmm.Start(out string path);
        Task<string> request = vmm.AnswerAsync("OK 1073741824\nagent-bytes");

        using Socket socket = await HybridVsock.ConnectAsync(path, 1024, Ct);
        byte[] buffer = new byte[64];
        int read = await socket.ReceiveAsync(buffer, SocketFlags.None, Ct);

        Assert.Equal("CONNECT 1024", await request);
        Assert.Equal("agent-bytes", Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task A_refusal_names_the_socket_port_and_reply()
    {
        using var vmm = FakeVmm.Start(out string path);
        _ = vmm.AnswerAsync("ERR no listener\n");

        var e = await Assert.ThrowsAsync<IOException>(async () => await HybridVsock.ConnectAsync(path, 1024, Ct));

        Assert.Equal($"hybrid vsock {path}: CONNECT 1024 answered 'ERR no listener', expected 'OK <port>'", e.Message);
    }

    [Fact]
    public async Task A_close_before_the_reply_says_the_guest_port_may_not_listen()
    {
        using var vmm = FakeVmm.Start(out string path);
        _ = vmm.AnswerAsync("");

        var e = await Assert.ThrowsAsync<IOException>(async () => await HybridVsock.ConnectAsync(path, 1024, Ct));

        Assert.Contains("closed before answering CONNECT", e.Message);
    }

    /// <summary>Accepts one connection, reads the CONNECT line, writes the given answer and closes.</summary>
    private sealed class FakeVmm : IDisposable
    {
        private readonly TempDirectory _directory = new();
        private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        public static FakeVmm Start(out string path)
        {
            var vmm = new FakeVmm();
            path = Path.Combine(vmm._directory.Path, "hvsock");
            vmm._listener.Bind(new UnixDomainSocketEndPoint(path));
            vmm._listener.Listen(1);
            return vmm;
        }

        public async Task<string> AnswerAsync(string answer)
        {
            using Socket peer = await _listener.AcceptAsync(Ct);
            var line = new StringBuilder();
            byte[] one = new byte[1];
            while (await peer.ReceiveAsync(one, SocketFlags.None, Ct) == 1 && one[0] != '\n')
            {
                line.Append((char)one[0]);
            }

            await peer.SendAsync(Encoding.ASCII.GetBytes(answer), SocketFlags.None, Ct);
            return line.ToString();
        }

        public void Dispose()
        {
            _listener.Dispose();
            _directory.Dispose();
        }
    }
}
