using System.Buffers;

namespace AotShim.Shim.Ttrpc;

/// <summary>What follows a frame header: its exact length is known before a byte is written.</summary>
internal interface ITtrpcFrameBody
{
    int Length { get; }

    void WriteTo(IBufferWriter<byte> writer);
}
