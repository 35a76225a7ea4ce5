using System.Buffers;
using Google.Protobuf;

namespace AotShim.Shim.Ttrpc;

/// <summary>
/// The server side of one connection: requests are checked and parsed on the frame loop, then served concurrently;
/// every reply, error replies included, counts as in flight so a drain waits for it.
/// </summary>
internal sealed class TtrpcServerConnection : ITtrpcFrameHandler
{
    private readonly TtrpcMethods _methods;
    private readonly Action<TtrpcServerConnection> _closed;
    private readonly TtrpcChannel _channel;
    private readonly Lock _gate = new();
    private int _active;
    private bool _draining;

    public TtrpcServerConnection(ITtrpcTransport transport, string endpoint, TtrpcMethods methods, Action<TtrpcServerConnection> closed)
    {
        _methods = methods;
        _closed = closed;
        _channel = new TtrpcChannel(transport, endpoint, this);
    }

    public CancellationToken Closing => _channel.Closing;

    public Task Completion => _channel.Completion;

    public void Start() => _channel.Start();

    /// <summary>Refuses new requests and closes once the replies in flight are sent.</summary>
    public void BeginDrain()
    {
        bool idle;
        lock (_gate)
        {
            _draining = true;
            idle = _active == 0;
        }

        if (idle)
        {
            _ = _channel.CloseAfterSendsAsync();
        }
    }

    public void Abort() => _channel.Close(null);

    public void OnFrame(in TtrpcFrameHeader header, in ReadOnlySequence<byte> payload)
    {
        // Other frame types are ignored for forward compatibility, as containerd/ttrpc does.
        if (header.Type != TtrpcFrameType.Request)
        {
            return;
        }

        uint streamId = header.StreamId;
        if (streamId % 2 != 1)
        {
            Reply(streamId, TtrpcStatusCode.InvalidArgument, "StreamID must be odd for client initiated streams");
            return;
        }

        if (!TtrpcRequestEnvelope.TryParse(payload, out TtrpcRequestEnvelope envelope))
        {
            Reply(streamId, TtrpcStatusCode.InvalidArgument, "unmarshal request error: the frame is not a valid ttrpc.Request");
            return;
        }

        TtrpcMethod? method = _methods.Find(envelope.Service, envelope.Method, out string? unimplemented);
        if (method is null)
        {
            Reply(streamId, TtrpcStatusCode.Unimplemented, unimplemented!);
            return;
        }

        IMessage request;
        try
        {
            request = method.Parse(envelope.Payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            Reply(streamId, TtrpcStatusCode.Internal, "ttrpc: error unmarshalling payload: " + e.Message);
            return;
        }

        if (!TryEnter())
        {
            Reply(streamId, TtrpcStatusCode.Unavailable, "ttrpc: server shutting down");
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(new ServerCall(this, streamId, method, request, envelope.TimeoutNano, envelope.Metadata), preferLocal: false);
    }

    public void OnOversizedFrame(in TtrpcFrameHeader header)
    {
        // As containerd/ttrpc: the payload is discarded and the stream gets ResourceExhausted; the connection lives on.
        if (header.Type == TtrpcFrameType.Request)
        {
            Reply(header.StreamId, TtrpcStatusCode.ResourceExhausted, TtrpcException.Oversized(header.Length).Message);
        }
    }

    public void OnClosed(Exception? reason) => _closed(this);

    /// <summary>Sends a reply and leaves the in-flight count; a reply over the limit becomes ResourceExhausted.</summary>
    public async Task RespondAsync(uint streamId, TtrpcResponseFrame response)
    {
        try
        {
            if (response.Length > TtrpcProtocol.MaxMessageLength)
            {
                response = TtrpcResponseFrame.Failure(TtrpcStatusCode.ResourceExhausted, TtrpcException.Oversized(response.Length).Message);
            }

            await _channel.SendAsync(streamId, TtrpcFrameType.Response, response, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A frame that failed half-written leaves the stream unusable.
            _channel.Close(e);
        }
        finally
        {
            Exit();
        }
    }

    private void Reply(uint streamId, TtrpcStatusCode code, string message)
    {
        lock (_gate)
        {
            _active++;
        }

        _ = RespondAsync(streamId, TtrpcResponseFrame.Failure(code, message));
    }

    private bool TryEnter()
    {
        lock (_gate)
        {
            if (_draining)
            {
                return false;
            }

            _active++;
            return true;
        }
    }

    private void Exit()
    {
        bool drained;
        lock (_gate)
        {
            drained = --_active == 0 && _draining;
        }

        if (drained)
        {
            _ = _channel.CloseAfterSendsAsync();
        }
    }
}
