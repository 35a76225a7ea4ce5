using System.Text;
using AotShim.Shim.Hashing;

namespace AotShim.Shim.Tests.Hashing;

public sealed class Sha512Tests
{
    [Theory]
    [InlineData("", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    [InlineData("abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")]
    public void Nist_vectors(string message, string expected) =>
        Assert.Equal(expected, Hex(Encoding.ASCII.GetBytes(message)));

    [Fact]
    public void One_million_a_in_one_shot_and_in_parts()
    {
        const string expected = "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b";
        byte[] message = new byte[1_000_000];
        message.AsSpan().Fill((byte)'a');
        var hasher = new Sha512();
        for (int i = 0; i < message.Length; i += 1000)
        {
            hasher.AppendData(message.AsSpan(i, 1000));
        }

        Span<byte> digest = stackalloc byte[Sha512.HashSizeInBytes];
        hasher.GetHashAndReset(digest);

        Assert.Equal(expected, Hex(message));
        Assert.Equal(expected, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Every_length_across_the_padding_boundaries_matches_the_platform()
    {
        var random = new Random(512);
        byte[] data = new byte[300];
        random.NextBytes(data);
        for (int length = 0; length <= data.Length; length++)
        {
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(data.AsSpan(0, length))), Hex(data.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Random_splits_give_the_one_shot_digest()
    {
        var random = new Random(1804);
        var hasher = new Sha512();
        Span<byte> digest = stackalloc byte[Sha512.HashSizeInBytes];
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
        Span<byte> digest = stackalloc byte[Sha512.HashSizeInBytes];

        Sha512.HashData(new MemoryStream(data), digest);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(data)), Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void A_short_destination_is_refused() =>
        Assert.Throws<ArgumentException>(() => Sha512.HashData("abc"u8, new byte[Sha512.HashSizeInBytes - 1]));

    private static string Hex(ReadOnlySpan<byte> message)
    {
        Span<byte> digest = stackalloc byte[Sha512.HashSizeInBytes];
        Sha512.HashData(message, digest);
        return Convert.ToHexStringLower(digest);
    }
}
