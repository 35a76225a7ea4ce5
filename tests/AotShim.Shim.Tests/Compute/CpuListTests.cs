using AotShim.Shim.Compute;

namespace AotShim.Shim.Tests.Compute;

public sealed class CpuListTests
{
    [Theory]
    [InlineData("0-3,6", new[] { 0, 1, 2, 3, 6 })]
    [InlineData(" 2 , 0-1 ,1", new[] { 0, 1, 2 })]
    [InlineData("", new int[0])]
    public void A_list_names_each_cpu_once(string list, int[] cpus) => Assert.Equal(cpus, CpuList.Parse(list));

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3, 6 }, "0-3,6")]
    [InlineData(new[] { 1, 3, 4 }, "1,3-4")]
    [InlineData(new[] { 5 }, "5")]
    [InlineData(new int[0], "")]
    public void Runs_of_two_or_more_are_written_as_ranges(int[] cpus, string list) => Assert.Equal(list, CpuList.Format(new SortedSet<int>(cpus)));

    [Theory]
    [InlineData("3-1", "range 3-1 runs backwards")]
    [InlineData("0,x", "\"x\" is not a CPU number")]
    [InlineData("-1", "\"\" is not a CPU number")]
    [InlineData("9000", "\"9000\" is not a CPU number")]
    public void A_malformed_list_is_quoted_in_the_error(string list, string why)
    {
        var e = Assert.Throws<FormatException>(() => CpuList.Parse(list));
        Assert.Equal($"CPU list \"{list}\": {why}", e.Message);
    }
}
