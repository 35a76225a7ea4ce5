namespace AotShim.Shim.Compute;

/// <summary>
/// The DIMMs that grow guest memory from its current size towards a target. Each DIMM is a whole number of the
/// guest's memory blocks (GetGuestDetails' mem_block_size, 128 MiB on x86_64 and arm64 4K-page kernels): QEMU packs
/// DIMMs back to back, and the guest can only add and online memory that starts and ends on a block boundary, so one
/// odd-sized DIMM would make every later one unusable. Rounding goes up (the container gets at least its limit) but
/// never past the maximum. As kata, one DIMM adds at most 48 times the memory present: the guest pays 64 bytes of
/// struct page per 4 KiB added out of what it already has (kata-containers issue 4847).
/// </summary>
public static class MemoryPlan
{
    public const ulong DefaultBlockMiB = 128;

    private const ulong AcpiHotplugFactor = 48;

    public static IReadOnlyList<ulong> DimmsMiB(ulong currentMiB, ulong targetMiB, ulong maxMiB, ulong blockMiB)
    {
        ArgumentOutOfRangeException.ThrowIfZero(blockMiB);
        var dimms = new List<ulong>();
        if (targetMiB <= currentMiB)
        {
            return dimms;
        }

        ulong room = maxMiB > currentMiB ? (maxMiB - currentMiB) / blockMiB * blockMiB : 0;
        ulong wanted = Math.Min((targetMiB - currentMiB + blockMiB - 1) / blockMiB * blockMiB, room);
        ulong present = currentMiB;
        while (wanted > 0)
        {
            ulong step = Math.Min(wanted, Math.Max(blockMiB, present * AcpiHotplugFactor / blockMiB * blockMiB));
            dimms.Add(step);
            present += step;
            wanted -= step;
        }

        return dimms;
    }
}
