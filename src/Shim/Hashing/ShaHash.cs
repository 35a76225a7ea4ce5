namespace AotShim.Shim.Hashing;

/// <summary>A SHA-2 hash over its block function: one-shot forms that allocate nothing, or data appended in parts.</summary>
public abstract class ShaHash<TCompression>
    where TCompression : struct, IShaCompression
{
    private const int StreamChunkSize = 16 * 1024;

    private ShaState<TCompression> _state = ShaState<TCompression>.Initial();

    public static int HashSizeInBytes => TCompression.HashSize;

    public void AppendData(ReadOnlySpan<byte> data) => _state.Append(data);

    /// <summary>Writes the digest of everything appended so far and starts over.</summary>
    public void GetHashAndReset(Span<byte> destination)
    {
        _state.Finish(destination);
        _state = ShaState<TCompression>.Initial();
    }

    public static void HashData(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ShaState<TCompression> state = ShaState<TCompression>.Initial();
        state.Append(source);
        state.Finish(destination);
    }

    /// <summary>Hashes the rest of <paramref name="source"/> through one stack buffer.</summary>
    public static void HashData(Stream source, Span<byte> destination)
    {
        ShaState<TCompression> state = ShaState<TCompression>.Initial();
        Span<byte> chunk = stackalloc byte[StreamChunkSize];
        for (int read; (read = source.Read(chunk)) > 0;)
        {
            state.Append(chunk[..read]);
        }

        state.Finish(destination);
    }
}
