namespace AotShim.Shim.Compute;

/// <summary>Growing or shrinking the VM for a container failed; the message names the container and what was refused.</summary>
public sealed class VmResizeException(string containerId, string message, Exception? inner = null)
    : Exception($"container {containerId}: {message}", inner)
{
    public string ContainerId { get; } = containerId;
}
