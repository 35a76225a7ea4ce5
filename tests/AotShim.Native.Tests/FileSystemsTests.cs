using AotShim.Native;

namespace AotShim.Native.Tests;

public sealed class FileSystemsTests
{
    [Fact]
    public void Type_of_proc_is_the_proc_magic() => Assert.Equal(0x9fa0, FileSystems.Type("/proc"));

    [Fact]
    public void Type_of_a_missing_path_names_it()
    {
        var e = Assert.Throws<NativeException>(() => FileSystems.Type("/nonexistent/ecr-test"));

        Assert.Contains("statfs(\"/nonexistent/ecr-test\"): ENOENT", e.Message);
    }
}
