namespace AotShim.Testing;

/// <summary>
/// A network namespace of one test (`ip netns add` under a unique name), deleted with everything in it on dispose.
/// Tests check what the product did with `ip`, `tc` and `ping` run inside it.
/// </summary>
internal sealed class TestNetns : IDisposable
{
    public TestNetns()
    {
        Name = "ecr-t-" + Guid.NewGuid().ToString("N")[..10];
        Tool.Run("ip", "netns", "add", Name);
    }

    public string Name { get; }

    /// <summary>The namespace file `ip netns add` bind-mounted.</summary>
    public string Path => "/var/run/netns/" + Name;

    /// <summary>`ip -n NAME ARGS`; returns stdout, throws with stderr unless it exits 0.</summary>
    public string Ip(params string[] args) => Tool.Run("ip", ["-n", Name, .. args]);

    /// <summary>`ip netns exec NAME ARGS` (tc, ping, ...): the same, run inside the namespace.</summary>
    public string Exec(params string[] args) => Tool.Run("ip", ["netns", "exec", Name, .. args]);

    public void Dispose() => Tool.Run("ip", "netns", "del", Name);
}
