using System.Text;
using AotShim.Native;

namespace AotShim.Native.Tests;

public sealed class ChildOutputTests
{
    [Fact]
    public async Task Only_the_last_bytes_are_kept()
    {
        string output = await StderrOfAsync("i=0; while [ $i -lt 500 ]; do printf '%04d' $i >&2; i=$((i+1)); done", limit: 10);

        Assert.Equal("9704980499", output);
    }

    [Fact]
    public async Task Output_shorter_than_the_limit_is_kept_whole()
    {
        Assert.Equal("hello\n", await StderrOfAsync("echo hello >&2", limit: 1024));
    }

    [Fact]
    public async Task Reading_ends_when_the_child_exits_though_a_grandchild_still_holds_the_pipe()
    {
        using var directory = new TempDirectory();
        string pidFile = Path.Combine(directory.Path, "pid");
        try
        {
            Assert.Equal("left\n", await StderrOfAsync($"sleep 600 & echo $! > {pidFile}; echo left >&2", limit: 1024));
        }
        finally
        {
            Signals.Send(int.Parse(File.ReadAllText(pidFile)), Signals.SIGKILL);
        }
    }

    private static async Task<string> StderrOfAsync(string script, int limit)
    {
        (FileDescriptor read, FileDescriptor write) = Pipes.Create();
        using (read)
        {
            ChildProcess child;
            using (write)
            {
                child = ProcessSpawner.Spawn(new SpawnOptions("/bin/sh", ["sh", "-c", script]) { StandardError = write });
            }

            using (child)
            {
                byte[] tail = await ChildOutput.ReadTailAsync(read, child, limit);
                await child.WaitForExitAsync(TestContext.Current.CancellationToken);
                return Encoding.UTF8.GetString(tail);
            }
        }
    }
}
