using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace AotShim.Shim.Ttrpc;

/// <summary>
/// A TTRPC client over one connection (containerd's events service, the kata agent): calls run concurrently on odd
/// stream ids, responses are matched by stream id and parsed straight from the receive buffer.
/// </summary>
public sealed class TtrpcClient : IAsyncDisposable, ITtrpcFrameHandler
{
    // CancelAfter's limit; a longer timeout is still sent to the server, which enforces it.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly TtrpcChannel _channel;
    private readonly Dictionary<uint, PendingCall> _pending = [];
    private readonly Lock _gate = new();
    private uint _nextStreamId = 1;
    private bool _closed;
    private Exception? _closeReason;

    /// <summary>Speaks TTRPC over a connected socket (e.g. after the hybrid-vsock CONNECT handshake); the client owns it.</summary>
    public TtrpcClient(Socket socket, string endpoint)
    {
        _channel = new TtrpcChannel(new SocketTransport(socket), endpoint, this);
        _channel.Start();
    }

    /// <summary>Completes (never faults) once the connection has ended for any reason.</summary>
    public Task Completion => _channel.Completion;

    public static async ValueTask<TtrpcClient> ConnectAsync(string socketPath, CancellationToken ct = default)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
            return new TtrpcClient(socket, socketPath);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Calls service/method. A timeout is sent as timeout_nano (the server cancels the handler at that deadline) and
    /// enforced here too: either way the call fails with <see cref="TtrpcStatusCode.DeadlineExceeded"/>.
    /// </summary>
    /// <exception cref="TtrpcException">The server answered with an error status, or the connection closed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TResponse> CallAsync<TRequest, TResponse>(
        string service,
        string method,
        TRequest request,
        MessageParser<TResponse> parser,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken ct = default)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        ct.ThrowIfCancellationRequested();
        if (timeout is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a TTRPC timeout must be positive (zero on the wire means none)");
        }

        var frame = new TtrpcRequestFrame(service, method, request, (timeout?.Ticks ?? 0) * TimeSpan.NanosecondsPerTick, metadata);
        if (frame.Length > TtrpcProtocol.MaxMessageLength)
        {
            throw TtrpcException.Oversized(frame.Length);
        }

        var call = new PendingCall<TResponse>(parser);
        uint streamId = Add(call);
        using CancellationTokenSource? timer = timeout is { } t && t <= MaxTimer ? new CancellationTokenSource(t) : null;
        using CancellationTokenRegistration expired = timer?.Token.UnsafeRegister(
            static state => ((PendingCall)state!).Fail(new TtrpcException(TtrpcStatusCode.DeadlineExceeded, "context deadline exceeded")), call) ?? default;
        using CancellationTokenRegistration cancelled = ct.UnsafeRegister(
            static (state, token) => ((PendingCall)state!).Fail(new OperationCanceledException(token)), call);
        try
        {
            if (!await _channel.SendAsync(streamId, TtrpcFrameType.Request, frame, ct).ConfigureAwait(false))
            {
                throw TtrpcException.ConnectionClosed(_channel.Endpoint, CloseReason);
            }

            return await call.Task.ConfigureAwait(false);
        }
        finally
        {
            Remove(streamId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Close(null);
        await _channel.Completion.ConfigureAwait(false);
    }

    void ITtrpcFrameHandler.OnFrame(in TtrpcFrameHeader header, in ReadOnlySequence<byte> payload)
    {
        // Requests from the server and replies to calls that gave up are ignored, as containerd/ttrpc does.
        if (header.Type == TtrpcFrameType.Response && Take(header.StreamId) is { } call)
        {
            call.Complete(payload);
        }
    }

    void ITtrpcFrameHandler.OnOversizedFrame(in TtrpcFrameHeader header)
    {
        if (header.Type == TtrpcFrameType.Response && Take(header.StreamId) is { } call)
        {
            call.Fail(TtrpcException.Oversized(header.Length));
        }
    }

    void ITtrpcFrameHandler.OnClosed(Exception? reason)
    {
        PendingCall[] orphans;
        lock (_gate)
        {
            _closed = true;
            _closeReason = reason;
            orphans = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (PendingCall orphan in orphans)
        {
            orphan.Fail(TtrpcException.ConnectionClosed(_channel.Endpoint, reason));
        }
    }

    private Exception? CloseReason
    {
        get
        {
            lock (_gate)
            {
                return _closeReason;
            }
        }
    }

    private uint Add(PendingCall call)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw TtrpcException.ConnectionClosed(_channel.Endpoint, _closeReason);
            }

            uint streamId = _nextStreamId;
            _nextStreamId += 2;
            _pending.Add(streamId, call);
            return streamId;
        }
    }

    private PendingCall? Take(uint streamId)
    {
        lock (_gate)
        {
            return _pending.Remove(streamId, out PendingCall? call) ? call : null;
        }
    }

    private void Remove(uint streamId)
    {
        lock (_gate)
        {
            _pending.Remove(streamId);
        }
    }
}
