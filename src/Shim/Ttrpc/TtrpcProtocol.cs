namespace AotShim.Shim.Ttrpc;

/// <summary>The framing every TTRPC peer (containerd/ttrpc, kata's ttrpc-rust) uses.</summary>
internal static class TtrpcProtocol
{
    /// <summary>u32 BE payload length, u32 BE stream id, u8 type, u8 flags.</summary>
    public const int HeaderLength = 10;

    /// <summary>containerd/ttrpc's messageLengthMax: larger frames are refused, not read.</summary>
    public const int MaxMessageLength = 4 << 20;
}
