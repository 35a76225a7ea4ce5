using System.Net.Sockets;
using AotShim.Shim.Ttrpc;
using AotShim.Vsock;

namespace AotShim.GuestAgent.Transport;

/// <summary>The production transport, vsock port 1024 (kata's agent port): every accepted connection is served.</summary>
internal static class VsockAgentPort
{
    public const uint Port = 1024;
    private const string Device = "/dev/vsock";
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Null when the guest has no vsock (no device, or no transport to bind on).</summary>
    public static VsockListener? TryListen()
    {
        if (!File.Exists(Device))
        {
            return null;
        }

        try
        {
            return VsockListener.Listen(Port);
        }
        catch (IOException e)
        {
            AgentInfo.Log($"vsock port {Port} unavailable: {e.Message}");
            return null;
        }
    }

    public static async Task ServeAsync(VsockListener listener, TtrpcServer server, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // A failed accept (an aborted handshake, a full fd table) must not end the agent and its containers.
                AgentInfo.Log($"vsock accept: {e.Message}");
                await Task.Delay(AcceptRetryDelay, ct).ConfigureAwait(false);
                continue;
            }

            _ = server.ServeConnectionAsync(connection);
        }
    }
}
