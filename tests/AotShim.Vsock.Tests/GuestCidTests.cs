using AotShim.Native;
using AotShim.Vsock;

namespace AotShim.Vsock.Tests;

public sealed class GuestCidTests
{
    [Fact]
    public void The_request_number_is_the_kernels_VHOST_VSOCK_SET_GUEST_CID() =>
        Assert.Equal(0x4008AF60u, Ioctl.Iow(0xAF, 0x60, sizeof(ulong)));

    [Fact]
    public void Reserving_on_this_host_matches_whether_vhost_vsock_exists()
    {
        if (File.Exists(GuestCid.DevicePath))
        {
            using GuestCid first = GuestCid.Reserve();
            using GuestCid second = GuestCid.Reserve();
            Assert.InRange(first.Cid, GuestCid.FirstGuestCid, uint.MaxValue - 1);
            Assert.NotEqual(first.Cid, second.Cid);
        }
        else
        {
            var e = Assert.Throws<NativeException>(() => GuestCid.Reserve());
            Assert.Contains("open(\"/dev/vhost-vsock\"): ENOENT", e.Message);
        }
    }

    [Fact]
    public void A_device_that_is_not_vhost_vsock_is_refused_and_released()
    {
        var e = Assert.Throws<NativeException>(() => GuestCid.Reserve("/dev/null"));

        Assert.Contains("ioctl(VHOST_VSOCK_SET_GUEST_CID", e.Message);
        Assert.Equal(Errnos.ENOTTY, e.Errno);
    }
}
