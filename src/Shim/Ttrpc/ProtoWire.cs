using System.Buffers;
using System.Text;
using Google.Protobuf;

namespace AotShim.Shim.Ttrpc;

/// <summary>
/// Just enough of the protobuf wire format to read and write the TTRPC envelope in place: its payload stays a slice
/// of the receive buffer and the inner message is written straight into the output pipe, never into a byte[].
/// </summary>
internal static class ProtoWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private const int MaxVarintLength = 10;

    public static bool TryReadVarint(ref SequenceReader<byte> reader, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 7 * MaxVarintLength; shift += 7)
        {
            if (!reader.TryRead(out byte b))
            {
                return false;
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    public static bool TryReadTag(ref SequenceReader<byte> reader, out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (!TryReadVarint(ref reader, out ulong tag) || tag >> 3 is 0 or > int.MaxValue)
        {
            return false;
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return true;
    }

    /// <summary>A length-delimited field as a slice of the input, checked against what is left of it.</summary>
    public static bool TryReadLengthDelimited(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> value)
    {
        if (!TryReadVarint(ref reader, out ulong length) || length > (ulong)reader.Remaining)
        {
            value = default;
            return false;
        }

        value = reader.UnreadSequence.Slice(0, (long)length);
        reader.Advance((long)length);
        return true;
    }

    public static bool TrySkip(ref SequenceReader<byte> reader, int wireType) => wireType switch
    {
        Varint => TryReadVarint(ref reader, out _),
        Fixed64 => TryAdvance(ref reader, 8),
        LengthDelimited => TryReadLengthDelimited(ref reader, out _),
        Fixed32 => TryAdvance(ref reader, 4),
        _ => false,
    };

    public static int StringFieldSize(int field, string value) =>
        value.Length == 0 ? 0 : CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeStringSize(value);

    public static int LengthDelimitedFieldSize(int field, int length) =>
        CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeLengthSize(length) + length;

    public static void WriteVarint(IBufferWriter<byte> writer, ulong value)
    {
        Span<byte> span = writer.GetSpan(MaxVarintLength);
        int written = 0;
        while (value >= 0x80)
        {
            span[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
        writer.Advance(written);
    }

    public static void WriteTag(IBufferWriter<byte> writer, int field, int wireType) =>
        WriteVarint(writer, ((uint)field << 3) | (uint)wireType);

    /// <summary>Writes a string field; proto3 leaves an empty one out.</summary>
    public static void WriteString(IBufferWriter<byte> writer, int field, string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        WriteTag(writer, field, LengthDelimited);
        WriteVarint(writer, (uint)Encoding.UTF8.GetByteCount(value));
        Encoding.UTF8.GetBytes(value, writer);
    }

    /// <summary>Writes an embedded message whose size the caller computed once.</summary>
    public static void WriteMessage(IBufferWriter<byte> writer, int field, IMessage message, int size)
    {
        WriteTag(writer, field, LengthDelimited);
        WriteVarint(writer, (uint)size);
        if (size > 0)
        {
            message.WriteTo(writer);
        }
    }

    private static bool TryAdvance(ref SequenceReader<byte> reader, int count)
    {
        if (reader.Remaining < count)
        {
            return false;
        }

        reader.Advance(count);
        return true;
    }
}
