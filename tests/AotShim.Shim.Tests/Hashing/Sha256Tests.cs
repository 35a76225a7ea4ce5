using AotShim.Shim.Hashing;

namespace AotShim.Shim.Tests.Hashing;

public sealed class Sha256Tests : ShaHashTests<Sha256, ShaCompression<uint, Sha256Width>>
{
    protected override string MillionA => "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void Nist_vectors(string message, string expected) => AssertKnownAnswer(message, expected);

    protected override byte[] Platform(ReadOnlySpan<byte> data) => System.Security.Cryptography.SHA256.HashData(data);
}
