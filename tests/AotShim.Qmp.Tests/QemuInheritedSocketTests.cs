using System.Net.Sockets;
using AotShim.Native;

namespace AotShim.Qmp.Tests;

/// <summary>The shim's own way: it creates the QMP listener, QEMU inherits it as fd 3, and the shim connects before QEMU is up.</summary>
public sealed class QemuInheritedSocketTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_socket_connected_before_qemu_accepts_gets_the_greeting_once_it_does()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "qmp.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        string[] argv =
        [
            "qemu-system-x86_64", "-machine", "q35,accel=tcg", "-cpu", "qemu64", "-S", "-nodefaults", "-nographic", "-no-user-config",
            "-qmp", "unix:fd=3,server=on,wait=off",
        ];
        using ChildProcess qemu = ProcessSpawner.Spawn(new SpawnOptions("/usr/bin/qemu-system-x86_64", argv) { Fds = [new FdMapping(listener.SafeHandle, 3)] });
        try
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), Ct);
            await using QmpClient qmp = await QmpClient.ConnectAsync(socket, ct: Ct);

            Assert.Equal("prelaunch", (await qmp.QueryStatusAsync(ct: Ct)).Status);
            await qmp.QuitAsync(ct: Ct);
            Assert.Equal(0, await qemu.WaitForExitAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct));
        }
        finally
        {
            qemu.Signal(Signals.SIGKILL);
            await qemu.WaitForExitAsync(CancellationToken.None);
        }
    }
}
