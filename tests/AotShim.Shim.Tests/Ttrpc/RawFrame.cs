using System.Buffers.Binary;
using AotShim.Shim.Ttrpc.Protocol;

namespace AotShim.Shim.Tests.Ttrpc;

/// <summary>One frame as it travels on the wire, built and read by hand so tests do not trust the code under test.</summary>
internal sealed record RawFrame(uint StreamId, byte Type, byte Flags, byte[] Payload)
{
    public const byte Request = 1;
    public const byte Response = 2;

    public byte[] ToBytes()
    {
        var bytes = new byte[10 + Payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), StreamId);
        bytes[8] = Type;
        bytes[9] = Flags;
        Payload.CopyTo(bytes, 10);
        return bytes;
    }

    public Request ParseRequest() => AotShim.Shim.Ttrpc.Protocol.Request.Parser.ParseFrom(Payload);

    public Response ParseResponse() => AotShim.Shim.Ttrpc.Protocol.Response.Parser.ParseFrom(Payload);
}
