using System.Numerics;

namespace AotShim.Shim.Compute;

/// <summary>
/// The vCPUs and memory a set of containers adds to the VM's defaults, as kata's updateResources sums them: the
/// exact sum of quota/period rounded up once (two half-CPU containers add one vCPU), or the sum of cpuset sizes when
/// no container has a quota; memory is the sum of limits and hugepages, rounded up to whole MiB.
/// </summary>
public sealed record WorkloadSize(uint Vcpus, ulong MemoryMiB)
{
    public static readonly WorkloadSize None = new(0, 0);

    private const ulong MiB = 1UL << 20;

    public static WorkloadSize Of(IEnumerable<ContainerDemand> demands)
    {
        // Exact: a sum of floats (kata's float32) can land just above an integer and ask for one vCPU too many.
        BigInteger numerator = BigInteger.Zero;
        BigInteger denominator = BigInteger.One;
        long cpusetCpus = 0;
        ulong memory = 0;
        foreach (ContainerDemand demand in demands)
        {
            if (demand.CpuQuota > 0 && demand.CpuPeriod > 0)
            {
                numerator = numerator * demand.CpuPeriod + denominator * demand.CpuQuota;
                denominator *= demand.CpuPeriod;
            }

            cpusetCpus += demand.CpusetCpus;
            memory = ulong.MaxValue - memory < demand.MemoryBytes ? ulong.MaxValue : memory + demand.MemoryBytes;
        }

        BigInteger vcpus = numerator.IsZero ? cpusetCpus : BigInteger.Divide(numerator + denominator - 1, denominator);
        return new WorkloadSize(vcpus > uint.MaxValue ? uint.MaxValue : (uint)vcpus, memory / MiB + (memory % MiB == 0 ? 0UL : 1UL));
    }

    /// <summary>quota/period of one CFS pair rounded up: what a sandbox annotation or a lone container's limit adds.</summary>
    public static uint VcpusFor(long quota, ulong period) =>
        quota > 0 && period > 0 ? (uint)Math.Min(uint.MaxValue, (ulong)quota / period + ((ulong)quota % period == 0 ? 0UL : 1UL)) : 0;

    /// <summary>Bytes rounded up to whole MiB; a negative value is the runtime spec's "unconstrained".</summary>
    public static ulong MiBFor(long bytes) => bytes > 0 ? ((ulong)bytes + MiB - 1) / MiB : 0;
}
