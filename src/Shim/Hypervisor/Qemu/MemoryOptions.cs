namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>-m: boot memory, hotplug slots and the ceiling they can grow to.</summary>
public sealed record MemoryOptions(uint MemoryMiB, uint Slots, ulong MaxMemoryMiB) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments) =>
        arguments.Add("-m", $"{MemoryMiB}M,slots={Slots},maxmem={MaxMemoryMiB}M");
}
