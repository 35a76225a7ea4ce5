namespace AotShim.Testing;

/// <summary>Where the repository, its fixtures and its published binaries are, wherever the tests run from.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Fixture(string name) =>
        Path.Combine(Environment.GetEnvironmentVariable("ECR_TEST_FIXTURES") ?? Path.Combine(Root, "tests", "fixtures"), name);

    /// <summary>The published binary for an architecture (x64 or arm64); build.sh test publishes both first.</summary>
    public static string Binary(string arch)
    {
        string path = Environment.GetEnvironmentVariable("ECR_TEST_BIN_" + arch.ToUpperInvariant())
            ?? Path.Combine(Root, "out", "linux-" + arch, "containerd-shim-ecr-v2");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run ./build.sh test, which publishes it", path);
    }

    /// <summary>The test guest (kernel + initrd) for an architecture; build.sh test builds it with tests/guest/build-guest.sh.</summary>
    public static string Guest(string arch)
    {
        string directory = Environment.GetEnvironmentVariable("ECR_TEST_GUEST_" + arch.ToUpperInvariant())
            ?? Path.Combine(Root, "out", "guest", arch);
        return File.Exists(Path.Combine(directory, "guest.env"))
            ? directory
            : throw new DirectoryNotFoundException($"no test guest in {directory}: run ./build.sh test, which builds it");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AotShim.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("AotShim.sln not found above " + AppContext.BaseDirectory);
    }
}
