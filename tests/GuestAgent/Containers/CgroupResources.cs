using AotShim.Shim.Agent.Protocol;

namespace AotShim.GuestAgent.Containers;

/// <summary>
/// OCI LinuxResources onto cgroup v2 files, with runc's v1→v2 conversions (shares→cpu.weight, swap→swap.max).
/// Devices are accepted and not applied (device access in v2 needs eBPF, and the guest's /dev is the sandbox's
/// anyway); block I/O, hugepage, network and realtime limits have no counterpart here and are refused.
/// </summary>
internal static class CgroupResources
{
    public static void Apply(ContainerCgroup cgroup, LinuxResources? resources)
    {
        if (resources is null)
        {
            return;
        }

        RefuseUnsupported(resources);
        if (resources.Memory is { } memory)
        {
            if (memory.Limit != 0)
            {
                cgroup.Write("memory.max", Limit(memory.Limit));
            }

            if (memory.Reservation != 0)
            {
                cgroup.Write("memory.low", Limit(memory.Reservation));
            }

            // OCI swap is memory+swap; v2's swap.max is swap alone. Without swap in the guest the file is absent.
            if (memory.Swap != 0 && cgroup.Has("memory.swap.max"))
            {
                cgroup.Write("memory.swap.max", memory.Swap < 0 ? "max" : Math.Max(0, memory.Swap - memory.Limit).ToString());
            }
        }

        if (resources.CPU is { } cpu)
        {
            if (cpu.Quota != 0 || cpu.Period != 0)
            {
                string quota = cpu.Quota > 0 ? cpu.Quota.ToString() : "max";
                cgroup.Write("cpu.max", cpu.Period != 0 ? $"{quota} {cpu.Period}" : quota);
            }

            if (cpu.Shares != 0)
            {
                cgroup.Write("cpu.weight", (1 + ((Math.Clamp(cpu.Shares, 2UL, 262144UL) - 2) * 9999 / 262142)).ToString());
            }

            if (cpu.Cpus.Length > 0)
            {
                cgroup.Write("cpuset.cpus", cpu.Cpus);
            }

            if (cpu.Mems.Length > 0)
            {
                cgroup.Write("cpuset.mems", cpu.Mems);
            }
        }

        if (resources.Pids is { Limit: not 0 } pids)
        {
            cgroup.Write("pids.max", Limit(pids.Limit));
        }
    }

    private static void RefuseUnsupported(LinuxResources resources)
    {
        var refused = new List<string>();
        if (resources.BlockIO is { } io && !io.Equals(new LinuxBlockIO()))
        {
            refused.Add("BlockIO");
        }

        if (resources.HugepageLimits.Count > 0)
        {
            refused.Add("HugepageLimits");
        }

        if (resources.Network is { } network && !network.Equals(new LinuxNetwork()))
        {
            refused.Add("Network");
        }

        if (resources.CPU is { } cpu && (cpu.RealtimeRuntime != 0 || cpu.RealtimePeriod != 0))
        {
            refused.Add("CPU.Realtime*");
        }

        if (refused.Count > 0)
        {
            throw new NotSupportedException($"the test guest agent cannot apply {string.Join(", ", refused)} (cgroup v2 without those controllers)");
        }
    }

    private static string Limit(long value) => value < 0 ? "max" : value.ToString();
}
