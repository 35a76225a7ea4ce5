using System.Net.Sockets;
using System.Text;

namespace AotShim.Vsock;

/// <summary>
/// Hybrid vsock (Firecracker, Cloud Hypervisor, Kata's hvsock://): the VMM listens on a unix socket and forwards a
/// connection to a guest port after the line "CONNECT PORT\n", answered by "OK HOSTPORT\n".
/// </summary>
public static class HybridVsock
{
    // "OK 4294967295\n" with room to spare; a longer answer is not the protocol.
    private const int MaxReplyLength = 32;

    /// <summary>Connects to <paramref name="socketPath"/> and asks for <paramref name="port"/>; the socket returned carries the guest's stream.</summary>
    public static async ValueTask<Socket> ConnectAsync(string socketPath, uint port, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
            byte[] request = Encoding.ASCII.GetBytes($"CONNECT {port}\n");
            await socket.SendAsync(request, SocketFlags.None, ct).ConfigureAwait(false);
            string reply = await ReadLineAsync(socket, socketPath, ct).ConfigureAwait(false);
            if (!reply.StartsWith("OK ", StringComparison.Ordinal))
            {
                throw new IOException($"hybrid vsock {socketPath}: CONNECT {port} answered '{reply}', expected 'OK <port>'");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads the reply a byte at a time: whatever follows the newline already belongs to the guest's stream.</summary>
    private static async ValueTask<string> ReadLineAsync(Socket socket, string socketPath, CancellationToken ct)
    {
        byte[] line = new byte[MaxReplyLength];
        for (int length = 0; length < line.Length; length++)
        {
            if (await socket.ReceiveAsync(line.AsMemory(length, 1), SocketFlags.None, ct).ConfigureAwait(false) == 0)
            {
                throw new IOException($"hybrid vsock {socketPath}: closed before answering CONNECT (is the guest port listening?)");
            }

            if (line[length] == (byte)'\n')
            {
                return Encoding.ASCII.GetString(line, 0, length);
            }
        }

        throw new IOException($"hybrid vsock {socketPath}: CONNECT reply longer than {MaxReplyLength} bytes");
    }
}
