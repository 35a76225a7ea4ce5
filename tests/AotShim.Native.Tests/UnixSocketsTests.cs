namespace AotShim.Native.Tests;

public sealed class UnixSocketsTests
{
    private const int EADDRINUSE = 98;

    [Fact]
    public void A_listening_socket_answers()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "s");

        using FileDescriptor listener = UnixSockets.Listen(path, backlog: 4);

        Assert.True(UnixSockets.Answers(path));
    }

    [Fact]
    public void Nobody_answers_on_a_missing_socket_or_one_whose_listener_closed()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "s");
        Assert.False(UnixSockets.Answers(path));

        UnixSockets.Listen(path, backlog: 4).Dispose();

        Assert.True(File.Exists(path));
        Assert.False(UnixSockets.Answers(path));
    }

    [Fact]
    public void A_socket_a_dead_server_left_behind_is_replaced()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "s");
        UnixSockets.Listen(path, backlog: 4).Dispose();

        using FileDescriptor listener = UnixSockets.Listen(path, backlog: 4);

        Assert.True(UnixSockets.Answers(path));
    }

    [Fact]
    public void A_socket_a_live_server_listens_on_is_not_taken_over()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "s");
        using FileDescriptor live = UnixSockets.Listen(path, backlog: 4);

        var e = Assert.Throws<NativeException>(() => UnixSockets.Listen(path, backlog: 4));

        Assert.Equal(EADDRINUSE, e.Errno);
        Assert.True(UnixSockets.Answers(path));
    }

    [Fact]
    public void A_path_longer_than_sockaddr_un_holds_is_refused() =>
        Assert.Throws<ArgumentException>(() => UnixSockets.Listen("/tmp/" + new string('x', 110), backlog: 4));
}
