using System.Runtime.InteropServices;
using AotShim.Native;

namespace AotShim.GuestAgent.Native;

/// <summary>
/// The libc calls only the guest agent needs and src/Native does not bind (chroot, execve, namespaces, pty, clock),
/// split by topic over partial files. Every failure becomes a <see cref="NativeException"/> naming the call, in
/// <see cref="Check"/> and nowhere else.
/// </summary>
internal static partial class GuestLibc
{
    private const int ORdwr = 2;
    private const int ONoctty = 0x100;
    private const int OCloexec = 0x80000;

    private static int Check(int result, string call) =>
        result == -1 ? throw new NativeException(call, Marshal.GetLastPInvokeError()) : result;

    /// <summary>Keeps a handle's descriptor open (referenced) for the length of one call.</summary>
    private readonly ref struct Borrowed
    {
        private readonly SafeHandle _handle;

        public Borrowed(SafeHandle handle)
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            _handle = handle;
            Number = (int)handle.DangerousGetHandle();
        }

        public int Number { get; }

        public void Dispose() => _handle.DangerousRelease();
    }
}
