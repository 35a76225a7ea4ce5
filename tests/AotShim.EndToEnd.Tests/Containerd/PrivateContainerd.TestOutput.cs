namespace AotShim.EndToEnd.Tests.Containerd;

// The xunit-only half of PrivateContainerd (benchmarks/process compiles the class without it).
public sealed partial class PrivateContainerd
{
    /// <summary>Most of a debug log that goes into a failed test's output (the tail; the start is the plugin list).</summary>
    private const int MaxLogChars = 200_000;

    /// <summary>Writes the containerd log (shim stderr included at debug level) into the current test's output now.</summary>
    public void DumpLogToTestOutput(string reason)
    {
        ITestOutputHelper? output = TestContext.Current.TestOutputHelper;
        if (output is null)
        {
            return;
        }

        string log = ReadLog();
        if (log.Length > MaxLogChars)
        {
            log = $"(first {log.Length - MaxLogChars} characters cut)\n" + log[^MaxLogChars..];
        }

        try
        {
            output.WriteLine($"==== containerd {Directory} ({reason}); snapshotter {Snapshotter}, namespace {Namespace}; {LogPath}:");
            output.WriteLine(log);
            output.WriteLine("==== end of containerd log");
        }
        catch (InvalidOperationException)
        {
            // no test is running any more
        }
    }

    // Disposed from a test class's DisposeAsync, xunit already knows the outcome (TestState): the log is
    // dumped for failures only; cleanup notes (leftover shims killed, mounts undone) always.
    partial void ReportOnDispose()
    {
        ITestOutputHelper? output = TestContext.Current.TestOutputHelper;
        if (output is null)
        {
            return;
        }

        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            DumpLogToTestOutput("test failed");
        }

        try
        {
            foreach (string note in cleanupNotes)
            {
                output.WriteLine("containerd cleanup: " + note);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
