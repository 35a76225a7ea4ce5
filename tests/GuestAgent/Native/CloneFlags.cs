namespace AotShim.GuestAgent.Native;

/// <summary>The unshare(2)/setns(2) flags the launcher uses (CLONE_*).</summary>
internal static class CloneFlags
{
    public const int Fs = 0x00000200;
    public const int NewMount = 0x00020000;
    public const int NewUts = 0x04000000;
    public const int NewIpc = 0x08000000;
}
