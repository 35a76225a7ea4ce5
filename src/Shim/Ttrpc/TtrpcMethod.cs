using System.Buffers;
using Google.Protobuf;

namespace AotShim.Shim.Ttrpc;

/// <summary>
/// One registered RPC. The request is parsed on the frame loop, straight from the receive buffer, so the handler
/// (run on its own work item) never holds a slice of a buffer that the loop is about to reuse.
/// </summary>
internal abstract class TtrpcMethod
{
    /// <exception cref="InvalidProtocolBufferException">The payload is not a valid request message.</exception>
    public abstract IMessage Parse(in ReadOnlySequence<byte> payload);

    public abstract ValueTask<IMessage> InvokeAsync(IMessage request, TtrpcContext context);
}
