namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>
/// A container rootfs in the VM's 9p share, as kata's shim lays it out (shared/containers/ID/rootfs): the guest
/// arch's busybox with a link per applet the tests use, /etc/hostname naming the container, empty /proc and /dev.
/// </summary>
internal static class GuestRootfs
{
    /// <summary>Where the sandbox storage mounts the share in the guest (kata's shared directory).</summary>
    public const string GuestShared = "/run/kata-containers/shared/containers";

    private static readonly string[] Applets =
        ["sh", "cat", "echo", "ls", "sleep", "uname", "hostname", "id", "pwd", "tty", "stty", "kill", "ps", "wc", "true", "env", "grep", "stat", "date", "dd", "touch"];

    /// <summary>Creates the rootfs of <paramref name="containerId"/> and returns its path inside the guest.</summary>
    public static string Create(GuestVm vm, string containerId)
    {
        Populate(Path.Combine(vm.Share, containerId, "rootfs"), vm.Guest, containerId);
        return $"{GuestShared}/{containerId}/rootfs";
    }

    /// <summary>Lays out a container rootfs at <paramref name="root"/> on the host, from the busybox of the <paramref name="guest"/> build.</summary>
    public static void Populate(string root, string guest, string containerId)
    {
        foreach (string directory in (string[])["bin", "etc", "proc", "dev", "tmp", "root"])
        {
            Directory.CreateDirectory(Path.Combine(root, directory));
        }

        File.Copy(Path.Combine(guest, "busybox"), Path.Combine(root, "bin", "busybox"));
        foreach (string applet in Applets)
        {
            File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
        }

        File.WriteAllText(Path.Combine(root, "etc", "hostname"), $"rootfs-of-{containerId}\n");
        File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
        File.WriteAllText(Path.Combine(root, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
    }
}
