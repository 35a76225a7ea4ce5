using System.Buffers;

namespace AotShim.Shim.Ttrpc;

/// <summary>What a channel's frame loop calls, on that loop: frames are slices of the receive buffer, valid only during the call.</summary>
internal interface ITtrpcFrameHandler
{
    void OnFrame(in TtrpcFrameHeader header, in ReadOnlySequence<byte> payload);

    /// <summary>A frame over the limit, whose payload the channel skips without buffering it.</summary>
    void OnOversizedFrame(in TtrpcFrameHeader header);

    /// <summary>Called once, after the last frame: the reason is null when the peer closed cleanly between frames.</summary>
    void OnClosed(Exception? reason);
}
