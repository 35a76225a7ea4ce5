namespace AotShim.Testing;

/// <summary>A real block device for a test: losetup attaches an image file to a free loop device; disposing detaches it.</summary>
internal sealed class LoopDevice : IDisposable
{
    private LoopDevice(string path)
    {
        Path = path;
    }

    /// <summary>/dev/loopN.</summary>
    public string Path { get; }

    /// <summary>Creates <paramref name="image"/> of <paramref name="sizeBytes"/> (zeroes) and attaches it.</summary>
    public static LoopDevice Attach(string image, long sizeBytes)
    {
        return new LoopDevice(HostTool.Run("losetup", "--find", "--show", SparseImage.Create(image, sizeBytes)).Trim());
    }

    public void Dispose() => HostTool.Run("losetup", "--detach", Path);
}
