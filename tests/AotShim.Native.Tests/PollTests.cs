using AotShim.Native;
using Tmds.Linux;

namespace AotShim.Native.Tests;

public sealed unsafe class PollTests
{
    [Fact]
    public void A_failing_poll_reports_its_own_errno_not_the_previous_calls()
    {
        Assert.Equal(-1, LibC.close(-1));
        Assert.Equal(Errnos.EBADF, LibC.errno);

        // More descriptors than RLIMIT_NOFILE allows: poll fails with EINVAL before looking at them.
        int ready = Poll.Wait(null, int.MaxValue, 0);

        Assert.Equal((-1, Errnos.EINVAL), (ready, LibC.errno));
    }

    [Fact]
    public void A_pipe_with_data_is_ready_and_an_empty_one_times_out()
    {
        using FileDescriptor full = Pipes.WithContent("x"u8.ToArray());
        (FileDescriptor empty, FileDescriptor writer) = Pipes.Create();
        using (empty)
        using (writer)
        {
            var ready = new pollfd { fd = full.Number, events = LibC.POLLIN };
            var idle = new pollfd { fd = empty.Number, events = LibC.POLLIN };

            Assert.Equal(1, Poll.Wait(&ready, 1, 0));
            Assert.Equal(0, Poll.Wait(&idle, 1, 0));
            Assert.Equal(LibC.POLLIN, ready.revents & LibC.POLLIN);
        }
    }
}
