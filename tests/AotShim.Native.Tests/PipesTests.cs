using System.Text;
using AotShim.Native;
using Tmds.Linux;

namespace AotShim.Native.Tests;

public sealed class PipesTests
{
    [Fact]
    public void Both_ends_are_close_on_exec()
    {
        (FileDescriptor read, FileDescriptor write) = Pipes.Create();
        using (read)
        using (write)
        {
            Assert.NotEqual(0, LibC.fcntl(read.Number, LibC.F_GETFD) & LibC.FD_CLOEXEC);
            Assert.NotEqual(0, LibC.fcntl(write.Number, LibC.F_GETFD) & LibC.FD_CLOEXEC);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(300 * 1024)]
    public async Task A_filled_pipe_yields_its_content_then_end_of_file_even_beyond_the_default_capacity(int length)
    {
        string content = new('x', length);
        using FileDescriptor stdin = Pipes.WithContent(Encoding.UTF8.GetBytes(content));

        (int exit, string output) = await SpawnRun.RunAsync(new SpawnOptions("/bin/cat", ["cat"]) { StandardInput = stdin });

        Assert.Equal((0, content), (exit, output));
    }

    [Fact]
    public void The_read_end_a_reader_gets_is_blocking()
    {
        using FileDescriptor read = Pipes.WithContent("x"u8);

        Assert.Equal(0, LibC.fcntl(read.Number, LibC.F_GETFL) & LibC.O_NONBLOCK);
    }
}
