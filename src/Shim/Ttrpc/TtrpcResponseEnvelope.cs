using System.Buffers;
using AotShim.Shim.Ttrpc.Protocol;

namespace AotShim.Shim.Ttrpc;

/// <summary>A ttrpc.Response read in place: the status and the payload stay slices of the frame.</summary>
internal readonly record struct TtrpcResponseEnvelope(ReadOnlySequence<byte> Status, ReadOnlySequence<byte> Payload)
{
    public static bool TryParse(in ReadOnlySequence<byte> frame, out TtrpcResponseEnvelope envelope)
    {
        envelope = default;
        var reader = new SequenceReader<byte>(frame);
        ReadOnlySequence<byte> status = default, payload = default;
        while (!reader.End)
        {
            if (!ProtoWire.TryReadTag(ref reader, out int field, out int wireType))
            {
                return false;
            }

            bool ok = (field, wireType) switch
            {
                (Response.StatusFieldNumber, ProtoWire.LengthDelimited) => ProtoWire.TryReadLengthDelimited(ref reader, out status),
                (Response.PayloadFieldNumber, ProtoWire.LengthDelimited) => ProtoWire.TryReadLengthDelimited(ref reader, out payload),
                _ => ProtoWire.TrySkip(ref reader, wireType),
            };
            if (!ok)
            {
                return false;
            }
        }

        envelope = new TtrpcResponseEnvelope(status, payload);
        return true;
    }
}
