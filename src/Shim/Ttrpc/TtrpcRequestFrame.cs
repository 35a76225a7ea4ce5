using System.Buffers;
using AotShim.Shim.Ttrpc.Protocol;
using Google.Protobuf;

namespace AotShim.Shim.Ttrpc;

/// <summary>A ttrpc.Request whose payload message is serialized straight into the output pipe.</summary>
internal readonly struct TtrpcRequestFrame : ITtrpcFrameBody
{
    private readonly string _service;
    private readonly string _method;
    private readonly IMessage _payload;
    private readonly int _payloadSize;
    private readonly long _timeoutNano;
    private readonly IReadOnlyDictionary<string, string>? _metadata;

    public TtrpcRequestFrame(string service, string method, IMessage payload, long timeoutNano, IReadOnlyDictionary<string, string>? metadata)
    {
        _service = service;
        _method = method;
        _payload = payload;
        _payloadSize = payload.CalculateSize();
        _timeoutNano = timeoutNano;
        _metadata = metadata;

        long length = ProtoWire.StringFieldSize(Request.ServiceFieldNumber, service)
            + ProtoWire.StringFieldSize(Request.MethodFieldNumber, method)
            + (_payloadSize == 0 ? 0 : ProtoWire.LengthDelimitedFieldSize(Request.PayloadFieldNumber, _payloadSize))
            + (timeoutNano == 0 ? 0 : CodedOutputStream.ComputeTagSize(Request.TimeoutNanoFieldNumber) + CodedOutputStream.ComputeInt64Size(timeoutNano));
        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> entry in metadata)
            {
                length += ProtoWire.LengthDelimitedFieldSize(Request.MetadataFieldNumber, EntrySize(entry));
            }
        }

        Length = (int)Math.Min(length, int.MaxValue);
    }

    public int Length { get; }

    public void WriteTo(IBufferWriter<byte> writer)
    {
        ProtoWire.WriteString(writer, Request.ServiceFieldNumber, _service);
        ProtoWire.WriteString(writer, Request.MethodFieldNumber, _method);
        if (_payloadSize > 0)
        {
            ProtoWire.WriteMessage(writer, Request.PayloadFieldNumber, _payload, _payloadSize);
        }

        if (_timeoutNano != 0)
        {
            ProtoWire.WriteTag(writer, Request.TimeoutNanoFieldNumber, ProtoWire.Varint);
            ProtoWire.WriteVarint(writer, (ulong)_timeoutNano);
        }

        if (_metadata is null)
        {
            return;
        }

        foreach (KeyValuePair<string, string> entry in _metadata)
        {
            ProtoWire.WriteTag(writer, Request.MetadataFieldNumber, ProtoWire.LengthDelimited);
            ProtoWire.WriteVarint(writer, (uint)EntrySize(entry));
            ProtoWire.WriteString(writer, KeyValue.KeyFieldNumber, entry.Key);
            ProtoWire.WriteString(writer, KeyValue.ValueFieldNumber, entry.Value);
        }
    }

    private static int EntrySize(KeyValuePair<string, string> entry) =>
        ProtoWire.StringFieldSize(KeyValue.KeyFieldNumber, entry.Key) + ProtoWire.StringFieldSize(KeyValue.ValueFieldNumber, entry.Value);
}
