using System.Buffers;
using System.Buffers.Binary;

namespace AotShim.Shim.Ttrpc;

/// <summary>The 10-byte header in front of every TTRPC frame.</summary>
internal readonly record struct TtrpcFrameHeader(uint Length, uint StreamId, TtrpcFrameType Type, byte Flags)
{
    /// <summary>Reads a header without consuming it; false until all ten bytes have arrived.</summary>
    public static bool TryPeek(in SequenceReader<byte> reader, out TtrpcFrameHeader header)
    {
        Span<byte> bytes = stackalloc byte[TtrpcProtocol.HeaderLength];
        if (!reader.TryCopyTo(bytes))
        {
            header = default;
            return false;
        }

        header = new TtrpcFrameHeader(
            BinaryPrimitives.ReadUInt32BigEndian(bytes),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]),
            (TtrpcFrameType)bytes[8],
            bytes[9]);
        return true;
    }

    public void WriteTo(IBufferWriter<byte> writer)
    {
        Span<byte> bytes = writer.GetSpan(TtrpcProtocol.HeaderLength);
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Length);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[4..], StreamId);
        bytes[8] = (byte)Type;
        bytes[9] = Flags;
        writer.Advance(TtrpcProtocol.HeaderLength);
    }
}
