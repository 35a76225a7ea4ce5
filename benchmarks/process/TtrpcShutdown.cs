using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace AotShim.ProcessBenchmarks;

/// <summary>
/// Just enough TTRPC to send containerd.task.v2.Task/Shutdown{id, now=true} to a shim with no task,
/// as containerd does at teardown (the runc shim daemon otherwise idles forever after `start`).
/// Frame: u32 BE length, u32 BE stream id (odd), u8 type 1 = request, u8 flags; body
/// Request{service=1, method=2, payload=3, timeout_nano=4}.
/// </summary>
internal static class TtrpcShutdown
{
    /// <summary>Sends Shutdown and waits for the response or the connection to close (the shim may exit first).</summary>
    public static async Task<string> SendAsync(string address, string id, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cancel = new CancellationTokenSource(timeout);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath(address)), cancel.Token);

        byte[] shutdownRequest = [.. Field(1, Encoding.UTF8.GetBytes(id)), 0x10, 0x01]; // id = 1, now = 2 (true)
        byte[] request =
        [
            .. Field(1, Encoding.UTF8.GetBytes("containerd.task.v2.Task")),
            .. Field(2, Encoding.UTF8.GetBytes("Shutdown")),
            .. Field(3, shutdownRequest),
            0x20, .. Varint((ulong)timeout.Ticks * 100), // timeout_nano = 4
        ];
        byte[] header = new byte[10];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)request.Length);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 1);
        header[8] = 1;
        await socket.SendAsync((byte[])[.. header, .. request], SocketFlags.None, cancel.Token);

        var response = new byte[4096];
        try
        {
            int read = await socket.ReceiveAsync(response, SocketFlags.None, cancel.Token);
            return read == 0 ? "closed" : "answered";
        }
        catch (SocketException)
        {
            return "reset";
        }
    }

    /// <summary>unix:///run/containerd/s/HASH -> /run/containerd/s/HASH; unix://@name -> abstract.</summary>
    public static string SocketPath(string address)
    {
        string path = address.StartsWith("unix://", StringComparison.Ordinal) ? address["unix://".Length..] : address;
        return path.StartsWith('@') ? "\0" + path[1..] : path;
    }

    private static byte[] Field(int number, byte[] value) => [(byte)((number << 3) | 2), .. Varint((ulong)value.Length), .. value];

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
