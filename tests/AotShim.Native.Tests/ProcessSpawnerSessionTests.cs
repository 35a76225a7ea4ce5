using AotShim.Native;

namespace AotShim.Native.Tests;

public sealed class ProcessSpawnerSessionTests
{
    [Fact]
    public async Task A_new_session_child_leads_its_own_session()
    {
        // /proc/self/stat fields 6 and 7 (after the comm) are the session id and the pid.
        var options = new SpawnOptions("/bin/sh", ["sh", "-c", "set -- $(cut -d')' -f2 /proc/self/stat); echo \"$4 $$\""]) { NewSession = true };

        var (exit, output) = await SpawnRun.RunAsync(options);

        Assert.Equal(0, exit);
        string[] parts = output.Trim().Split(' ');
        Assert.Equal(parts[1], parts[0]);
    }

    [Fact]
    public async Task Without_a_new_session_the_child_stays_in_ours()
    {
        var options = new SpawnOptions("/bin/sh", ["sh", "-c", "set -- $(cut -d')' -f2 /proc/self/stat); echo \"$4 $$\""]);

        var (_, output) = await SpawnRun.RunAsync(options);

        string[] parts = output.Trim().Split(' ');
        Assert.NotEqual(parts[1], parts[0]);
    }
}
