using System.Buffers;
using System.Threading.Tasks.Sources;
using Google.Protobuf;
using Google.Rpc;

namespace AotShim.Shim.Ttrpc;

/// <summary>The awaitable behind one CallAsync: a value-task source whose response is parsed from the receive buffer.</summary>
internal sealed class PendingCall<TResponse>(MessageParser<TResponse> parser) : PendingCall, IValueTaskSource<TResponse>
    where TResponse : IMessage<TResponse>
{
    private ManualResetValueTaskSourceCore<TResponse> _core = new() { RunContinuationsAsynchronously = true };
    private int _finished;

    public ValueTask<TResponse> Task => new(this, _core.Version);

    public override void Complete(in ReadOnlySequence<byte> frame)
    {
        if (!TtrpcResponseEnvelope.TryParse(frame, out TtrpcResponseEnvelope envelope))
        {
            Fail(new TtrpcException(TtrpcStatusCode.Internal, "ttrpc: the response frame is not a valid ttrpc.Response"));
            return;
        }

        TResponse response;
        try
        {
            if (envelope.Status.Length > 0 && Status.Parser.ParseFrom(envelope.Status) is { Code: not 0 } status)
            {
                Fail(TtrpcException.FromStatus(status));
                return;
            }

            response = parser.ParseFrom(envelope.Payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            Fail(new TtrpcException(TtrpcStatusCode.Internal, "ttrpc: error unmarshalling response: " + e.Message, e));
            return;
        }

        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _core.SetResult(response);
        }
    }

    public override void Fail(Exception exception)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _core.SetException(exception);
        }
    }

    public TResponse GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
