using System.Buffers;

namespace AotShim.Shim.Ttrpc;

/// <summary>A request waiting for its response; whichever of reply, timeout, cancellation or close comes first wins.</summary>
internal abstract class PendingCall
{
    /// <summary>Completes from a response frame, parsed in place on the frame loop.</summary>
    public abstract void Complete(in ReadOnlySequence<byte> frame);

    public abstract void Fail(Exception exception);
}
