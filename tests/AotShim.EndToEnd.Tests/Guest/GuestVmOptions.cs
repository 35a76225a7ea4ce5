namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>What a test adds to the guest's QEMU: its own share directory, devices (QMP, buses, NICs), the fds they name and kernel parameters.</summary>
internal sealed record GuestVmOptions
{
    /// <summary>The host directory exported as the 9p share; null: a fresh scratch/share.</summary>
    public string? Share { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Descriptors QEMU gets at the numbers <see cref="Arguments"/> name (tap queues).</summary>
    public IReadOnlyList<AotShim.Native.FdMapping> Fds { get; init; } = [];

    public string KernelParameters { get; init; } = "";
}
