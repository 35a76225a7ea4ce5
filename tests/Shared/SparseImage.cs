namespace AotShim.Testing;

/// <summary>A disk image for plug and loop tests: a sparse file of zeroes.</summary>
internal static class SparseImage
{
    public static string Create(string path, long sizeBytes)
    {
        using FileStream file = File.Create(path);
        file.SetLength(sizeBytes);
        return path;
    }
}
