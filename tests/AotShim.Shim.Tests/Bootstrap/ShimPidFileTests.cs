using System.Diagnostics;
using AotShim.Shim.Bootstrap;

namespace AotShim.Shim.Tests.Bootstrap;

/// <summary>`delete` waits for the shim named in the bundle's shim.pid, and only for that shim.</summary>
public sealed class ShimPidFileTests
{
    [Fact]
    public void Delete_waits_until_the_exiting_shim_named_in_the_bundle_is_gone()
    {
        using var bundle = new TempDirectory();
        using Process shim = Start("sleep 0.5", "pod-exiting");
        bundle.File(ShimPidFile.Name, shim.Id.ToString());

        ShimPidFile.WaitUntilGone(bundle.Path, "pod-exiting");

        Assert.False(Running(shim.Id), "WaitUntilGone returned while the shim still ran");
    }

    [Fact]
    public void A_recycled_pid_whose_argv_names_another_shim_is_not_waited_for()
    {
        using var bundle = new TempDirectory();
        // Were it waited for, WaitUntilGone would return only once this process had ended.
        using Process other = Start("sleep 5", "another-pod");
        try
        {
            bundle.File(ShimPidFile.Name, other.Id.ToString());

            ShimPidFile.WaitUntilGone(bundle.Path, "pod-recycled");

            Assert.False(other.HasExited);
        }
        finally
        {
            other.Kill();
            other.WaitForExit();
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-pid")]
    public void A_bundle_without_a_readable_pid_needs_no_wait(string? contents)
    {
        using var bundle = new TempDirectory();
        if (contents is not null)
        {
            bundle.File(ShimPidFile.Name, contents);
        }

        ShimPidFile.WaitUntilGone(bundle.Path, "pod-none");
    }

    [Fact]
    public void Serve_writes_its_own_pid_which_its_own_delete_never_waits_for()
    {
        using var bundle = new TempDirectory();

        ShimPidFile.Write(bundle.Path);
        ShimPidFile.WaitUntilGone(bundle.Path, Environment.ProcessId.ToString());

        Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(Path.Combine(bundle.Path, ShimPidFile.Name)));
    }

    /// <summary>Alive and not yet a zombie: this process reaps its children on its own time.</summary>
    private static bool Running(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A shell whose argv carries <paramref name="id"/>, as a shim's `-id ID` does (the trailing true keeps dash from exec'ing the command).</summary>
    private static Process Start(string command, string id) =>
        Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command + "; true", "-id", id } })!;
}
