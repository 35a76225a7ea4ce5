using AotShim.GuestAgent.Native;

namespace AotShim.GuestAgent.Launch;

/// <summary>One mount as mount(8) would do it, including the second call a read-only bind mount needs.</summary>
internal static class Mounter
{
    public static void Mount(string source, string target, string type, MountOptions options)
    {
        GuestLibc.Mount(source, target, options.IsBind ? null : type, (ulong)options.Flags, options.IsBind ? null : options.Data);

        // MS_BIND ignores every other flag: read-only and friends need a remount of the bind mount.
        MsFlags extra = options.Flags & ~(MsFlags.Bind | MsFlags.Recursive);
        if (options.IsBind && extra != 0)
        {
            GuestLibc.Mount(null, target, null, (ulong)(MsFlags.Bind | MsFlags.Remount | extra), null);
        }
    }

    /// <summary>Creates what a mount needs to land on: a directory, or an empty file when binding a file.</summary>
    public static void CreateTarget(string target, string? bindSource)
    {
        if (bindSource is not null && File.Exists(bindSource))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target))
            {
                File.WriteAllBytes(target, []);
            }
        }
        else
        {
            Directory.CreateDirectory(target);
        }
    }
}
