using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace AotShim.Shim.Hashing;

/// <summary>SHA-2's message schedule around the block function: buffering into whole blocks, then the padding.</summary>
internal struct ShaState<TCompression>
    where TCompression : struct, IShaCompression
{
    private const int LargestBlock = 128;

    private TCompression _compression;
    private Block _buffer;
    private int _buffered;
    private ulong _length;

    public static ShaState<TCompression> Initial()
    {
        var compression = default(TCompression);
        compression.Reset();
        return new ShaState<TCompression> { _compression = compression };
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        int blockSize = TCompression.BlockSize;
        _length += (ulong)data.Length;
        Span<byte> buffer = ((Span<byte>)_buffer)[..blockSize];
        if (_buffered > 0)
        {
            int take = Math.Min(blockSize - _buffered, data.Length);
            data[..take].CopyTo(buffer[_buffered..]);
            _buffered += take;
            data = data[take..];
            if (_buffered < blockSize)
            {
                return;
            }

            _compression.Compress(buffer);
            _buffered = 0;
        }

        int whole = data.Length - data.Length % blockSize;
        _compression.Compress(data[..whole]);
        data[whole..].CopyTo(buffer);
        _buffered = data.Length - whole;
    }

    /// <summary>Padding: 0x80, zeros, then the message length in bits, big-endian, ending a block; then the digest.</summary>
    public void Finish(Span<byte> destination)
    {
        if (destination.Length < TCompression.HashSize)
        {
            throw new ArgumentException($"a {TCompression.Name} digest needs {TCompression.HashSize} bytes", nameof(destination));
        }

        int blockSize = TCompression.BlockSize;
        int lengthAt = blockSize - TCompression.LengthSize;
        Span<byte> buffer = ((Span<byte>)_buffer)[..blockSize];
        buffer[_buffered++] = 0x80;
        if (_buffered > lengthAt)
        {
            buffer[_buffered..].Clear();
            _compression.Compress(buffer);
            _buffered = 0;
        }

        buffer[_buffered..lengthAt].Clear();

        // A byte count fits 64 bits, so the length in bits takes at most 67: SHA-512's upper word holds the top 3.
        BinaryPrimitives.WriteUInt64BigEndian(buffer[(blockSize - sizeof(ulong))..], _length << 3);
        if (TCompression.LengthSize > sizeof(ulong))
        {
            BinaryPrimitives.WriteUInt64BigEndian(buffer[lengthAt..], _length >> 61);
        }

        _compression.Compress(buffer);
        _compression.WriteDigest(destination);
    }

    [InlineArray(LargestBlock)]
    private struct Block
    {
        private byte _element;
    }
}
