using System.Net.Sockets;
using AotShim.Native;

namespace AotShim.Qmp.Tests;

/// <summary>The SCM_RIGHTS sender getfd relies on, on its own: errors name the call, a full socket is a bounded wait.</summary>
public sealed class UnixRightsTests
{
    [Fact]
    public void Sending_on_an_unconnected_socket_names_sendmsg()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using FileDescriptor devNull = Files.Open("/dev/null", OpenFlags.ReadOnly);

        var e = Assert.Throws<NativeException>(() => UnixRights.Send(socket.SafeHandle, " "u8, [devNull], 100));

        Assert.StartsWith($"sendmsg({socket.Handle}, SCM_RIGHTS x1): ", e.Message);
    }

    [Fact]
    public async Task A_socket_whose_peer_never_reads_times_out_instead_of_blocking()
    {
        using var dir = new TempDirectory();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(dir.Path, "s.sock")));
        listener.Listen(1);
        using var sender = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await sender.ConnectAsync(listener.LocalEndPoint!, TestContext.Current.CancellationToken);
        using Socket receiver = await listener.AcceptAsync(TestContext.Current.CancellationToken);
        using FileDescriptor devNull = Files.Open("/dev/null", OpenFlags.ReadOnly);
        sender.Blocking = false;
        byte[] chunk = new byte[65536];
        while (sender.Send(chunk, SocketFlags.None, out SocketError error) > 0 && error == SocketError.Success)
        {
        }

        var e = Assert.Throws<TimeoutException>(() => UnixRights.Send(sender.SafeHandle, " "u8, [devNull], 100));

        Assert.EndsWith("socket not writable within 100 ms", e.Message);
    }

    [Fact]
    public void Nothing_to_carry_the_descriptors_is_refused()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using FileDescriptor devNull = Files.Open("/dev/null", OpenFlags.ReadOnly);

        Assert.Throws<ArgumentException>(() => UnixRights.Send(socket.SafeHandle, [], [devNull], 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => UnixRights.Send(socket.SafeHandle, " "u8, [], 100));
    }
}
