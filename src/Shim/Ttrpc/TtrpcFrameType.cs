namespace AotShim.Shim.Ttrpc;

/// <summary>The header's type byte; other values are ignored (and skipped) for forward compatibility, as ttrpc does.</summary>
internal enum TtrpcFrameType : byte
{
    Request = 1,
    Response = 2,
}
