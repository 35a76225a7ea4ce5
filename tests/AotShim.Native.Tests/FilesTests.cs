using AotShim.Native;

namespace AotShim.Native.Tests;

public sealed class FilesTests
{
    [Fact]
    public void Open_of_a_missing_path_names_the_call_the_path_and_errno()
    {
        var e = Assert.Throws<NativeException>(() => Files.Open("/nonexistent/ecr-test", OpenFlags.ReadOnly));

        Assert.Equal(Errnos.ENOENT, e.Errno);
        Assert.StartsWith("open(\"/nonexistent/ecr-test\"): ENOENT", e.Message);
    }

    [Fact]
    public void TryOpen_reports_errno_instead_of_throwing()
    {
        using FileDescriptor? fd = Files.TryOpen("/nonexistent/ecr-test", OpenFlags.ReadOnly, out int errno);

        Assert.Null(fd);
        Assert.Equal(Errnos.ENOENT, errno);
    }

    [Fact]
    public void Disposing_a_descriptor_closes_it()
    {
        FileDescriptor fd = Files.Open("/dev/null", OpenFlags.ReadWrite);
        int number = fd.Number;
        Assert.True(File.Exists($"/proc/self/fd/{number}"));

        fd.Dispose();

        Assert.True(fd.IsClosed);
        Assert.False(File.Exists($"/proc/self/fd/{number}") && File.ResolveLinkTarget($"/proc/self/fd/{number}", false)?.FullName == "/dev/null");
    }

    [Fact]
    public void Opened_descriptors_are_close_on_exec()
    {
        using FileDescriptor fd = Files.Open("/dev/null", OpenFlags.ReadOnly);

        string fdinfo = File.ReadAllText($"/proc/self/fdinfo/{fd.Number}");
        string flags = fdinfo.Split('\n').Single(l => l.StartsWith("flags:")).Split('\t', ' ').Last(s => s.Length > 0);
        Assert.NotEqual(0, Convert.ToInt32(flags, 8) & 0x80000);
    }
}
