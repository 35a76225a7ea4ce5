namespace AotShim.Kvm;

/// <summary>Runs every host check for the given requirements, in a fixed, readable order.</summary>
public static class HostChecker
{
    public static IReadOnlyList<HostCheckResult> Run(HostRequirements requirements, HostPaths? paths = null)
    {
        paths ??= new HostPaths();
        var results = new List<HostCheckResult>();
        results.AddRange(KvmChecks.Run(paths, requirements));
        results.AddRange(DeviceChecks.Run(paths, requirements));
        results.Add(CgroupCheck.Run(paths));
        if (requirements.Architecture == HostArchitecture.X64)
        {
            results.AddRange(CpuChecks.Run(paths));
        }

        return results;
    }
}
