using AotShim.Shim.Compute;

namespace AotShim.Shim.Tests.Compute;

/// <summary>DIMM sizes: whole guest memory blocks, never past maxmem, at most 48 times the memory present per DIMM.</summary>
public sealed class MemoryPlanTests
{
    [Theory]
    [InlineData(512ul, 768ul, 256ul)]
    [InlineData(512ul, 600ul, 128ul)]
    [InlineData(512ul, 641ul, 256ul)]
    public void One_dimm_rounded_up_to_128_MiB_blocks(ulong current, ulong target, ulong dimm) =>
        Assert.Equal([dimm], MemoryPlan.DimmsMiB(current, target, 4096, 128));

    [Fact]
    public void Nothing_when_the_target_is_not_above_the_current_size() =>
        Assert.Empty(MemoryPlan.DimmsMiB(768, 512, 4096, 128));

    [Fact]
    public void Rounding_stops_at_the_last_whole_block_below_maxmem()
    {
        Assert.Equal([128ul], MemoryPlan.DimmsMiB(512, 700, 700, 128));
        Assert.Empty(MemoryPlan.DimmsMiB(512, 600, 600, 128));
    }

    [Fact]
    public void A_large_addition_is_split_so_each_dimm_is_at_most_48_times_what_is_present() =>
        Assert.Equal([6144ul, 3072ul], MemoryPlan.DimmsMiB(128, 128 + 9216, 65536, 128));
}
