using AotShim.Native;

namespace AotShim.Native.Tests;

public sealed class IoctlTests
{
    [Fact]
    public void An_ioctl_the_device_does_not_know_fails_with_ENOTTY_naming_the_request()
    {
        using FileDescriptor fd = Files.Open("/dev/null", OpenFlags.ReadOnly);

        var e = Assert.Throws<NativeException>(() => Ioctl.Invoke(fd, Ioctl.Io(0xAE, 0x00), 0, "KVM_GET_API_VERSION"));

        Assert.Equal(Errnos.ENOTTY, e.Errno);
        Assert.Contains("ioctl(KVM_GET_API_VERSION, 0): ENOTTY", e.Message);
    }

    [Theory]
    [InlineData(0xAEu, 0x00u, 0xAE00u)]
    [InlineData(0xAEu, 0x03u, 0xAE03u)]
    public void Io_encodes_type_and_number_like_the_kernel_macro(uint type, uint number, uint expected) =>
        Assert.Equal(expected, Ioctl.Io(type, number));

    [Fact]
    public void Ioctl_on_a_closed_descriptor_is_refused_before_reaching_the_kernel()
    {
        FileDescriptor fd = Files.Open("/dev/null", OpenFlags.ReadOnly);
        fd.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Ioctl.Invoke(fd, Ioctl.Io(0xAE, 0x00), 0, "KVM_GET_API_VERSION"));
    }
}
