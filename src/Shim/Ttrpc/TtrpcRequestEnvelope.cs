using System.Buffers;
using System.Text;
using AotShim.Shim.Ttrpc.Protocol;

namespace AotShim.Shim.Ttrpc;

/// <summary>A ttrpc.Request read in place: names and payload are slices of the frame, metadata is read only when present.</summary>
internal readonly record struct TtrpcRequestEnvelope(
    ReadOnlySequence<byte> Service,
    ReadOnlySequence<byte> Method,
    ReadOnlySequence<byte> Payload,
    long TimeoutNano,
    IReadOnlyList<KeyValuePair<string, string>> Metadata)
{
    public static bool TryParse(in ReadOnlySequence<byte> frame, out TtrpcRequestEnvelope envelope)
    {
        envelope = default;
        var reader = new SequenceReader<byte>(frame);
        ReadOnlySequence<byte> service = default, method = default, payload = default;
        long timeoutNano = 0;
        List<KeyValuePair<string, string>>? metadata = null;
        while (!reader.End)
        {
            if (!ProtoWire.TryReadTag(ref reader, out int field, out int wireType))
            {
                return false;
            }

            bool ok = (field, wireType) switch
            {
                (Request.ServiceFieldNumber, ProtoWire.LengthDelimited) => ProtoWire.TryReadLengthDelimited(ref reader, out service),
                (Request.MethodFieldNumber, ProtoWire.LengthDelimited) => ProtoWire.TryReadLengthDelimited(ref reader, out method),
                (Request.PayloadFieldNumber, ProtoWire.LengthDelimited) => ProtoWire.TryReadLengthDelimited(ref reader, out payload),
                (Request.TimeoutNanoFieldNumber, ProtoWire.Varint) => TryReadInt64(ref reader, out timeoutNano),
                (Request.MetadataFieldNumber, ProtoWire.LengthDelimited) => TryReadKeyValue(ref reader, metadata ??= []),
                _ => ProtoWire.TrySkip(ref reader, wireType),
            };
            if (!ok)
            {
                return false;
            }
        }

        envelope = new TtrpcRequestEnvelope(service, method, payload, timeoutNano, metadata ?? (IReadOnlyList<KeyValuePair<string, string>>)[]);
        return true;
    }

    private static bool TryReadInt64(ref SequenceReader<byte> reader, out long value)
    {
        bool ok = ProtoWire.TryReadVarint(ref reader, out ulong raw);
        value = (long)raw;
        return ok;
    }

    private static bool TryReadKeyValue(ref SequenceReader<byte> reader, List<KeyValuePair<string, string>> metadata)
    {
        if (!ProtoWire.TryReadLengthDelimited(ref reader, out ReadOnlySequence<byte> entry))
        {
            return false;
        }

        var fields = new SequenceReader<byte>(entry);
        string key = "", value = "";
        while (!fields.End)
        {
            if (!ProtoWire.TryReadTag(ref fields, out int field, out int wireType))
            {
                return false;
            }

            if (wireType == ProtoWire.LengthDelimited && field is KeyValue.KeyFieldNumber or KeyValue.ValueFieldNumber)
            {
                if (!ProtoWire.TryReadLengthDelimited(ref fields, out ReadOnlySequence<byte> text))
                {
                    return false;
                }

                if (field == KeyValue.KeyFieldNumber)
                {
                    key = Encoding.UTF8.GetString(text);
                }
                else
                {
                    value = Encoding.UTF8.GetString(text);
                }
            }
            else if (!ProtoWire.TrySkip(ref fields, wireType))
            {
                return false;
            }
        }

        metadata.Add(new KeyValuePair<string, string>(key, value));
        return true;
    }
}
