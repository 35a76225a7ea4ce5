namespace AotShim.Shim.Bootstrap;

/// <summary>What containerd asked the shim binary to do.</summary>
public enum ShimAction
{
    /// <summary>No action word: the long-running server, started by our own `start`.</summary>
    Serve,
    Start,
    Delete,
}
