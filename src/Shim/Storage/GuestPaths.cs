namespace AotShim.Shim.Storage;

/// <summary>Where kata's agent keeps the sandbox's own storages in the guest (kataGuestSandboxDir and below).</summary>
public static class GuestPaths
{
    public const string Sandbox = "/run/kata-containers/sandbox";

    /// <summary>tmpfs emptyDirs (kubelet medium Memory), one tmpfs per volume.</summary>
    public const string Ephemeral = Sandbox + "/ephemeral";

    /// <summary>Hot-plugged block volumes, each mounted once under a name derived from its guest address.</summary>
    public const string BlockVolumes = Sandbox + "/storage";

    /// <summary>The pod's /dev/shm, shared by its containers.</summary>
    public const string Shm = Sandbox + "/shm";
}
