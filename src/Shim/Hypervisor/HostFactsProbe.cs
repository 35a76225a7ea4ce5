using AotShim.Kvm;

namespace AotShim.Shim.Hypervisor;

/// <summary>Reads the host facts the command line needs from /proc and /dev, once per sandbox start.</summary>
public static class HostFactsProbe
{
    public static HostFacts Detect(string procRoot = "/proc", string devRoot = "/dev") => new(
        HostArchitectures.Current,
        (uint)Environment.ProcessorCount,
        MemTotalMiB(Path.Combine(procRoot, "meminfo")),
        RunningOnHypervisor: HostArchitectures.Current == HostArchitecture.X64 && HasHypervisorFlag(Path.Combine(procRoot, "cpuinfo")),
        VhostNetAvailable: File.Exists(Path.Combine(devRoot, "vhost-net")));

    private static ulong MemTotalMiB(string meminfo)
    {
        foreach (string line in File.ReadLines(meminfo))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                return ulong.Parse(line.AsSpan(9).Trim().TrimEnd("kB").Trim()) / 1024;
            }
        }

        throw new InvalidDataException($"{meminfo} has no MemTotal line");
    }

    /// <summary>The "hypervisor" CPU flag: we run nested, which is when kata sets disable-modern on x86.</summary>
    private static bool HasHypervisorFlag(string cpuinfo)
    {
        foreach (string line in File.ReadLines(cpuinfo))
        {
            if (line.StartsWith("flags", StringComparison.Ordinal))
            {
                return line.Split(' ').Contains("hypervisor");
            }
        }

        return false;
    }
}
