using System.Text;
using AotShim.Shim.Hashing;

namespace AotShim.Shim.Tests.Hashing;

public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void Nist_vectors(string message, string expected) =>
        Assert.Equal(expected, Hex(Encoding.ASCII.GetBytes(message)));

    [Fact]
    public void One_million_a_in_one_shot_and_in_parts()
    {
        const string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
        byte[] message = new byte[1_000_000];
        message.AsSpan().Fill((byte)'a');
        var hasher = new Sha256();
        for (int i = 0; i < message.Length; i += 1000)
        {
            hasher.AppendData(message.AsSpan(i, 1000));
        }

        Span<byte> digest = stackalloc byte[Sha256.HashSizeInBytes];
        hasher.GetHashAndReset(digest);

        Assert.Equal(expected, Hex(message));
        Assert.Equal(expected, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Every_length_across_the_padding_boundaries_matches_the_platform()
    {
        var random = new Random(256);
        byte[] data = new byte[300];
        random.NextBytes(data);
        for (int length = 0; length <= data.Length; length++)
        {
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data.AsSpan(0, length))), Hex(data.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Random_splits_give_the_one_shot_digest()
    {
        var random = new Random(1804);
        var hasher = new Sha256();
        Span<byte> digest = stackalloc byte[Sha256.HashSizeInBytes];
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
        Span<byte> digest = stackalloc byte[Sha256.HashSizeInBytes];

        Sha256.HashData(new MemoryStream(data), digest);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)), Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void A_short_destination_is_refused() =>
        Assert.Throws<ArgumentException>(() => Sha256.HashData("abc"u8, new byte[Sha256.HashSizeInBytes - 1]));

    private static string Hex(ReadOnlySpan<byte> message)
    {
        Span<byte> digest = stackalloc byte[Sha256.HashSizeInBytes];
        Sha256.HashData(message, digest);
        return Convert.ToHexStringLower(digest);
    }
}
