using AotShim.Native;

namespace AotShim.Vsock;

/// <summary>
/// A guest context id reserved on /dev/vhost-vsock. The kernel refuses a CID another VM holds (EADDRINUSE),
/// so random CIDs are tried until one sticks; the fd then goes to QEMU as vhostfd and keeps the reservation.
/// </summary>
public sealed class GuestCid : IDisposable
{
    public const string DevicePath = "/dev/vhost-vsock";

    /// <summary>0-2 are the hypervisor, reserved and host; u32 max is VMADDR_CID_ANY.</summary>
    public const uint FirstGuestCid = 3;

    private const int EADDRINUSE = 98;
    private const int MaxAttempts = 64;
    private static readonly uint SetGuestCid = Ioctl.Iow(0xAF, 0x60, sizeof(ulong));

    private GuestCid(FileDescriptor device, uint cid)
    {
        Device = device;
        Cid = cid;
    }

    public uint Cid { get; }

    /// <summary>The /dev/vhost-vsock descriptor that holds the CID; hand it to QEMU.</summary>
    public FileDescriptor Device { get; }

    public static GuestCid Reserve(string devicePath = DevicePath)
    {
        FileDescriptor device = Files.Open(devicePath, OpenFlags.ReadWrite);
        try
        {
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                uint cid = (uint)Random.Shared.NextInt64(FirstGuestCid, uint.MaxValue);
                try
                {
                    Ioctl.Write(device, SetGuestCid, cid, "VHOST_VSOCK_SET_GUEST_CID");
                    return new GuestCid(device, cid);
                }
                catch (NativeException e) when (e.Errno == EADDRINUSE)
                {
                }
            }

            throw new IOException($"{devicePath}: no free guest CID after {MaxAttempts} attempts");
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public void Dispose() => Device.Dispose();
}
