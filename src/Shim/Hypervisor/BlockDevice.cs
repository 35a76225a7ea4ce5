namespace AotShim.Shim.Hypervisor;

/// <summary>A block device present at boot.</summary>
public sealed record BlockDevice(string Id, string Path, bool ReadOnly);
