using AotShim.Native;

namespace AotShim.Kvm;

/// <summary>/dev/kvm opened for system ioctls.</summary>
public sealed class KvmDevice : IDisposable
{
    public const string DefaultPath = "/dev/kvm";

    /// <summary>The only API version Linux has ever reported.</summary>
    public const int StableApiVersion = 12;

    private const uint KvmIoctlType = 0xAE;
    private static readonly uint GetApiVersion = Ioctl.Io(KvmIoctlType, 0x00);
    private static readonly uint CreateVmRequest = Ioctl.Io(KvmIoctlType, 0x01);
    private static readonly uint CheckExtensionRequest = Ioctl.Io(KvmIoctlType, 0x03);

    private readonly FileDescriptor _fd;

    private KvmDevice(FileDescriptor fd) => _fd = fd;

    public static KvmDevice Open(string path = DefaultPath) => new(Files.Open(path, OpenFlags.ReadWrite));

    public int ApiVersion() => Ioctl.Invoke(_fd, GetApiVersion, 0, "KVM_GET_API_VERSION");

    /// <summary>0 when unsupported; otherwise 1 or a capability-specific value (e.g. a vCPU count).</summary>
    public int CheckExtension(KvmCapability capability) =>
        Ioctl.Invoke(_fd, CheckExtensionRequest, (int)capability, $"KVM_CHECK_EXTENSION {capability}");

    /// <summary>Creates a VM of machine type 0 and closes it again: proves the host lets us build VMs.</summary>
    public void CreateAndDestroyVm()
    {
        int vmFd = Ioctl.Invoke(_fd, CreateVmRequest, 0, "KVM_CREATE_VM");
        using var vm = FileDescriptor.Adopt(vmFd);
    }

    public void Dispose() => _fd.Dispose();
}
