namespace AotShim.Shim.Storage;

/// <summary>A sandbox's means of giving its containers storage: the share, the volume settings, and the VM's hotplug (null: none).</summary>
public sealed record SandboxStorage(SandboxShare Share, VolumeSettings Settings, BlockHotplug? Blocks)
{
    /// <summary>Whether block sources are plugged rather than bound (kata: unless disable_block_device_use).</summary>
    internal bool Plugs => Blocks is not null && !Settings.DisableBlockDeviceUse;
}
