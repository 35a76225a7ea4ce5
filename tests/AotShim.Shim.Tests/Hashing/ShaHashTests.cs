using System.Text;
using AotShim.Shim.Hashing;

namespace AotShim.Shim.Tests.Hashing;

/// <summary>What every SHA-2 width must do, run once per width against its known answers and the platform's own hash.</summary>
public abstract class ShaHashTests<THash, TCompression>
    where THash : ShaHash<TCompression>, new()
    where TCompression : struct, IShaCompression
{
    /// <summary>The digest of one million 'a' (FIPS 180-2's long vector).</summary>
    protected abstract string MillionA { get; }

    /// <summary>The platform's hash of the same width, the reference for arbitrary data.</summary>
    protected abstract byte[] Platform(ReadOnlySpan<byte> data);

    protected void AssertKnownAnswer(string message, string expected) =>
        Assert.Equal(expected, Hex(Encoding.ASCII.GetBytes(message)));

    [Fact]
    public void One_million_a_in_one_shot_and_in_parts()
    {
        byte[] message = new byte[1_000_000];
        message.AsSpan().Fill((byte)'a');
        var hasher = new THash();
        for (int i = 0; i < message.Length; i += 1000)
        {
            hasher.AppendData(message.AsSpan(i, 1000));
        }

        Span<byte> digest = stackalloc byte[ShaHash<TCompression>.HashSizeInBytes];
        hasher.GetHashAndReset(digest);

        Assert.Equal(MillionA, Hex(message));
        Assert.Equal(MillionA, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Every_length_across_the_padding_boundaries_matches_the_platform()
    {
        var random = new Random(TCompression.BlockSize);
        byte[] data = new byte[300];
        random.NextBytes(data);
        for (int length = 0; length <= data.Length; length++)
        {
            Assert.Equal(Convert.ToHexStringLower(Platform(data.AsSpan(0, length))), Hex(data.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Random_splits_give_the_one_shot_digest()
    {
        var random = new Random(1804);
        var hasher = new THash();
        Span<byte> digest = stackalloc byte[ShaHash<TCompression>.HashSizeInBytes];
        for (int round = 0; round < 200; round++)
        {
            byte[] data = new byte[random.Next(0, 2000)];
            random.NextBytes(data);
            for (int offset = 0; offset < data.Length;)
            {
                int part = random.Next(0, Math.Min(data.Length - offset, 150) + 1);
                hasher.AppendData(data.AsSpan(offset, part));
                offset += part;
            }

            hasher.GetHashAndReset(digest);

            Assert.Equal(Hex(data), Convert.ToHexStringLower(digest));
        }
    }

    [Fact]
    public void A_stream_longer_than_the_read_buffer_matches_the_platform()
    {
        byte[] data = new byte[100_003];
        new Random(7).NextBytes(data);
        Span<byte> digest = stackalloc byte[ShaHash<TCompression>.HashSizeInBytes];

        ShaHash<TCompression>.HashData(new MemoryStream(data), digest);

        Assert.Equal(Convert.ToHexStringLower(Platform(data)), Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void A_short_destination_is_refused_naming_the_hash()
    {
        var e = Assert.Throws<ArgumentException>(() => ShaHash<TCompression>.HashData("abc"u8, new byte[ShaHash<TCompression>.HashSizeInBytes - 1]));

        Assert.Contains(TCompression.Name, e.Message);
    }

    private static string Hex(ReadOnlySpan<byte> message)
    {
        Span<byte> digest = stackalloc byte[ShaHash<TCompression>.HashSizeInBytes];
        ShaHash<TCompression>.HashData(message, digest);
        return Convert.ToHexStringLower(digest);
    }
}
