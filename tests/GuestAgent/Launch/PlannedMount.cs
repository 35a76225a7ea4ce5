namespace AotShim.GuestAgent.Launch;

/// <summary>A mount the launcher makes inside the container's rootfs; <see cref="Destination"/> is container-absolute.</summary>
internal sealed record PlannedMount(string Type, string Source, string Destination, string Options);
