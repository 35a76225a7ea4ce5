namespace AotShim.Shim.Tests.Storage;

/// <summary>What /proc/self/mountinfo says of a mount point: its per-mount options (field 6), for read-only checks.</summary>
internal static class MountTable
{
    public static bool IsReadOnly(string mountPoint)
    {
        string target = Path.GetFullPath(mountPoint);
        string[] fields = File.ReadLines("/proc/self/mountinfo").Select(line => line.Split(' ')).Last(f => f[4] == target);
        return fields[5].Split(',').Contains("ro");
    }
}
