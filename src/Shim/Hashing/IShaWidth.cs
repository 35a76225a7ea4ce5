using System.Numerics;

namespace AotShim.Shim.Hashing;

/// <summary>What sets one SHA-2 width apart: its word, its number of rounds, its rotation amounts and its constants.</summary>
public interface IShaWidth<TWord>
    where TWord : unmanaged, IBinaryInteger<TWord>, IUnsignedNumber<TWord>
{
    static abstract string Name { get; }

    static abstract int Rounds { get; }

    /// <summary>Σ0's three rotations, Σ1's three, then σ0's and σ1's two rotations and a shift each.</summary>
    static abstract ReadOnlySpan<int> Rotations { get; }

    static abstract ReadOnlySpan<TWord> InitialHash { get; }

    static abstract ReadOnlySpan<TWord> RoundConstants { get; }
}
