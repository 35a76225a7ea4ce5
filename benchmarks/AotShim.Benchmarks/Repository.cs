namespace AotShim.Benchmarks;

/// <summary>BenchmarkDotNet runs from a generated bin folder: find the repository by its solution file.</summary>
internal static class Repository
{
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AotShim.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no AotShim.sln above {AppContext.BaseDirectory}");
    }

    public static string Fixture(string name) => Path.Combine(Root(), "tests", "fixtures", name);
}
