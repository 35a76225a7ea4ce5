using System.Buffers;
using AotShim.Shim.Ttrpc.Protocol;
using Google.Protobuf;
using Google.Rpc;

namespace AotShim.Shim.Ttrpc;

/// <summary>
/// A ttrpc.Response as containerd/ttrpc's server sends it: always a status (empty for OK), then the payload
/// message serialized straight into the output pipe.
/// </summary>
internal readonly struct TtrpcResponseFrame : ITtrpcFrameBody
{
    private readonly Status? _status;
    private readonly int _statusSize;
    private readonly IMessage? _payload;
    private readonly int _payloadSize;

    private TtrpcResponseFrame(Status? status, IMessage? payload)
    {
        _status = status;
        _statusSize = status?.CalculateSize() ?? 0;
        _payload = payload;
        _payloadSize = payload?.CalculateSize() ?? 0;
        long length = ProtoWire.LengthDelimitedFieldSize(Response.StatusFieldNumber, _statusSize)
            + (_payloadSize == 0 ? 0 : ProtoWire.LengthDelimitedFieldSize(Response.PayloadFieldNumber, _payloadSize));
        Length = (int)Math.Min(length, int.MaxValue);
    }

    public int Length { get; }

    public static TtrpcResponseFrame Success(IMessage payload) => new(null, payload);

    public static TtrpcResponseFrame Failure(TtrpcStatusCode code, string message) =>
        new(new Status { Code = (int)code, Message = message }, null);

    public void WriteTo(IBufferWriter<byte> writer)
    {
        if (_status is null)
        {
            ProtoWire.WriteTag(writer, Response.StatusFieldNumber, ProtoWire.LengthDelimited);
            ProtoWire.WriteVarint(writer, 0);
        }
        else
        {
            ProtoWire.WriteMessage(writer, Response.StatusFieldNumber, _status, _statusSize);
        }

        if (_payloadSize > 0)
        {
            ProtoWire.WriteMessage(writer, Response.PayloadFieldNumber, _payload!, _payloadSize);
        }
    }
}
