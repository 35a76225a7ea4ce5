using System.Numerics;
using System.Runtime.CompilerServices;

namespace AotShim.Shim.Hashing;

/// <summary>The SHA-2 block function and its eight-word state, for the width <typeparamref name="TWidth"/> describes.</summary>
public struct ShaCompression<TWord, TWidth> : IShaCompression
    where TWord : unmanaged, IBinaryInteger<TWord>, IUnsignedNumber<TWord>
    where TWidth : IShaWidth<TWord>
{
    private Words _h;

    private static int WordSize => Unsafe.SizeOf<TWord>();

    public static int BlockSize => 16 * WordSize;

    public static int HashSize => 8 * WordSize;

    public static int LengthSize => 2 * WordSize;

    public static string Name => TWidth.Name;

    public void Reset() => TWidth.InitialHash.CopyTo(_h);

    public readonly void WriteDigest(Span<byte> destination)
    {
        for (int i = 0; i < 8; i++)
        {
            _h[i].WriteBigEndian(destination[(i * WordSize)..]);
        }
    }

    public void Compress(ReadOnlySpan<byte> blocks)
    {
        ReadOnlySpan<TWord> k = TWidth.RoundConstants;
        ReadOnlySpan<int> r = TWidth.Rotations;
        Span<TWord> h = _h;
        Span<TWord> w = stackalloc TWord[TWidth.Rounds];
        while (blocks.Length >= BlockSize)
        {
            for (int t = 0; t < 16; t++)
            {
                w[t] = TWord.ReadBigEndian(blocks.Slice(t * WordSize, WordSize), isUnsigned: true);
            }

            for (int t = 16; t < w.Length; t++)
            {
                TWord w15 = w[t - 15], w2 = w[t - 2];
                TWord s0 = TWord.RotateRight(w15, r[6]) ^ TWord.RotateRight(w15, r[7]) ^ (w15 >> r[8]);
                TWord s1 = TWord.RotateRight(w2, r[9]) ^ TWord.RotateRight(w2, r[10]) ^ (w2 >> r[11]);
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
            }

            TWord a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
            for (int t = 0; t < w.Length; t++)
            {
                TWord t1 = hh + (TWord.RotateRight(e, r[3]) ^ TWord.RotateRight(e, r[4]) ^ TWord.RotateRight(e, r[5]))
                    + ((e & f) ^ (~e & g)) + k[t] + w[t];
                TWord t2 = (TWord.RotateRight(a, r[0]) ^ TWord.RotateRight(a, r[1]) ^ TWord.RotateRight(a, r[2]))
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

    [InlineArray(8)]
    private struct Words
    {
        private TWord _element;
    }
}
