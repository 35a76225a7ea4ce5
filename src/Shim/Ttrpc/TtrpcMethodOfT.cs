using System.Buffers;
using Google.Protobuf;

namespace AotShim.Shim.Ttrpc;

internal sealed class TtrpcMethod<TRequest, TResponse>(
    MessageParser<TRequest> parser,
    Func<TRequest, TtrpcContext, ValueTask<TResponse>> handler) : TtrpcMethod
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage
{
    public override IMessage Parse(in ReadOnlySequence<byte> payload) => parser.ParseFrom(payload);

    public override async ValueTask<IMessage> InvokeAsync(IMessage request, TtrpcContext context) =>
        await handler((TRequest)request, context).ConfigureAwait(false);
}
