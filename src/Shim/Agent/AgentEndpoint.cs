using System.Net.Sockets;
using AotShim.Vsock;

namespace AotShim.Shim.Agent;

/// <summary>Where the agent listens, and how one connection attempt reaches it.</summary>
public abstract record AgentEndpoint
{
    /// <summary>Kata's agent port on vsock and hybrid vsock.</summary>
    public const uint AgentPort = 1024;

    /// <summary>One attempt; failures (nobody listening yet) throw and the dialer tries again.</summary>
    public abstract ValueTask<Socket> ConnectAsync(TimeSpan timeout, CancellationToken ct);
}

/// <summary>vsock://CID:PORT through vhost-vsock.</summary>
public sealed record VsockAgentEndpoint(uint Cid, uint Port = AgentEndpoint.AgentPort) : AgentEndpoint
{
    public override ValueTask<Socket> ConnectAsync(TimeSpan timeout, CancellationToken ct) => VsockConnector.ConnectAsync(Cid, Port, timeout, ct);

    public override string ToString() => $"vsock://{Cid}:{Port}";
}

/// <summary>hvsock://PATH:PORT: the VMM's unix socket and a CONNECT handshake.</summary>
public sealed record HybridVsockAgentEndpoint(string SocketPath, uint Port = AgentEndpoint.AgentPort) : AgentEndpoint
{
    public override async ValueTask<Socket> ConnectAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        return await HybridVsock.ConnectAsync(SocketPath, Port, limit.Token).ConfigureAwait(false);
    }

    public override string ToString() => $"hvsock://{SocketPath}:{Port}";
}

/// <summary>QEMU's unix-socket chardev behind the virtio-serial port agent.channel.0.</summary>
public sealed record SerialAgentEndpoint(string SocketPath) : AgentEndpoint
{
    public override async ValueTask<Socket> ConnectAsync(TimeSpan timeout, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), limit.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override string ToString() => $"virtio-serial {SocketPath}";
}
