namespace AotShim.Shim.Sandbox;

/// <summary>
/// One container of a sandbox: its init process, its exec'd processes, and container-wide operations. An operation
/// the sandbox cannot perform throws <see cref="NotSupportedException"/>, which containerd sees as Unimplemented.
/// </summary>
public interface IContainer
{
    string Id { get; }

    IProcess Init { get; }

    ValueTask<IProcess> ExecAsync(ExecRequest request, CancellationToken cancellationToken);

    ValueTask PauseAsync(CancellationToken cancellationToken);

    ValueTask ResumeAsync(CancellationToken cancellationToken);

    /// <summary>Host-visible pids of the container's processes.</summary>
    ValueTask<IReadOnlyList<int>> PidsAsync(CancellationToken cancellationToken);

    /// <summary>Applies new resources (an OCI LinuxResources as JSON).</summary>
    ValueTask UpdateAsync(ReadOnlyMemory<byte> resourcesJson, CancellationToken cancellationToken);

    /// <summary>Metrics in containerd's format (e.g. io.containerd.cgroups.v1.Metrics) packed as an Any.</summary>
    ValueTask<Google.Protobuf.WellKnownTypes.Any> StatsAsync(CancellationToken cancellationToken);

    /// <summary>Releases what the container holds (mounts, cgroups); its processes have exited.</summary>
    ValueTask DeleteAsync(CancellationToken cancellationToken);
}
