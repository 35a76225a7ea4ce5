namespace AotShim.EndToEnd.Tests;

public sealed class StaticBinaryTests
{
    // The VM backend (agent protocol, OCI spec reader, sandbox) brought it to ~10 MB; kata's Go shim is ~50 MB.
    private const long MaxBytes = 12L * 1024 * 1024;

    [Theory]
    [InlineData("x64", "x86-64")]
    [InlineData("arm64", "ARM aarch64")]
    public void The_published_binary_is_one_small_static_binary(string arch, string machine)
    {
        string binary = Repo.Binary(arch);

        var (code, description, _) = BinaryRunner.Run("/usr/bin/file", ["-b", binary]);

        Assert.Equal(0, code);
        Assert.Contains("static-pie linked", description);
        Assert.Contains(machine, description);
        Assert.True(new FileInfo(binary).Length < MaxBytes, $"{binary} is {new FileInfo(binary).Length} bytes");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(binary)!, "*.so"));
    }

    [Fact]
    public void The_ecr_runtime_name_and_the_runtime_subcommand_are_the_same_cli()
    {
        string binary = Repo.Binary("x64");

        var byName = BinaryRunner.Run(binary, ["version"], argv0Link: "ecr-runtime");
        var bySubcommand = BinaryRunner.Run(binary, ["runtime", "version"]);

        Assert.Equal(0, byName.Code);
        Assert.Equal(byName.Output, bySubcommand.Output);
        Assert.Matches(@"^containerd-shim-ecr-v2 \d+\.\d+\.\d+ \(commit [0-9a-f]{7,}, x86_64, \.NET 10", byName.Output);
    }

    [Fact]
    public void An_unknown_shim_invocation_is_refused_with_exit_2()
    {
        var (code, _, error) = BinaryRunner.Run(Repo.Binary("x64"), ["frobnicate"]);

        Assert.Equal(2, code);
        Assert.Contains("unexpected argument 'frobnicate'", error);
    }
}
