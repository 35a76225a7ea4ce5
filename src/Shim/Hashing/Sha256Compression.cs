using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AotShim.Shim.Hashing;

/// <summary>SHA-256's block function and state (FIPS 180-4): 32-bit words, 64 rounds.</summary>
public struct Sha256Compression : IShaCompression
{
    private Words _h;

    public static int BlockSize => 64;

    public static int HashSize => 32;

    public static int LengthSize => 8;

    public static string Name => "SHA-256";

    public void Reset() => InitialHash.CopyTo(_h);

    public void Compress(ReadOnlySpan<byte> blocks) => Compress(_h, blocks);

    public readonly void WriteDigest(Span<byte> destination)
    {
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i * sizeof(uint))..], _h[i]);
        }
    }

    private static void Compress(Span<uint> h, ReadOnlySpan<byte> blocks)
    {
        ReadOnlySpan<uint> k = RoundConstants;
        Span<uint> w = stackalloc uint[64];
        while (blocks.Length >= BlockSize)
        {
            for (int t = 0; t < 16; t++)
            {
                w[t] = BinaryPrimitives.ReadUInt32BigEndian(blocks[(t * sizeof(uint))..]);
            }

            for (int t = 16; t < 64; t++)
            {
                uint w15 = w[t - 15], w2 = w[t - 2];
                uint s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
                uint s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
            }

            uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
            for (int t = 0; t < 64; t++)
            {
                uint t1 = hh + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
                    + ((e & f) ^ (~e & g)) + k[t] + w[t];
                uint t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
                    + ((a & b) ^ (a & c) ^ (b & c));
                hh = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }

            h[0] += a;
            h[1] += b;
            h[2] += c;
            h[3] += d;
            h[4] += e;
            h[5] += f;
            h[6] += g;
            h[7] += hh;
            blocks = blocks[BlockSize..];
        }
    }

    /// <summary>First 32 bits of the fractional parts of the square roots of the first 8 primes.</summary>
    private static ReadOnlySpan<uint> InitialHash =>
    [
        0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
    ];

    /// <summary>First 32 bits of the fractional parts of the cube roots of the first 64 primes.</summary>
    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
        0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
        0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
        0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
        0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
        0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
        0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
        0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
    ];

    [InlineArray(8)]
    private struct Words
    {
        private uint _element;
    }
}
