namespace AotShim.Shim.Hashing;

/// <summary>What differs between the SHA-2 widths: the state, the block function and the sizes around them.</summary>
public interface IShaCompression
{
    static abstract int BlockSize { get; }

    static abstract int HashSize { get; }

    /// <summary>Bytes of the message length (in bits, big-endian) that end the padding: 8 for SHA-256, 16 for SHA-512.</summary>
    static abstract int LengthSize { get; }

    static abstract string Name { get; }

    /// <summary>Loads the initial hash values.</summary>
    void Reset();

    /// <summary>Runs the block function over whole blocks.</summary>
    void Compress(ReadOnlySpan<byte> blocks);

    void WriteDigest(Span<byte> destination);
}
