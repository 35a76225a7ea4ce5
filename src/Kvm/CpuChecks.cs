namespace AotShim.Kvm;

/// <summary>x86 CPU flags from /proc/cpuinfo that kata also requires, plus the PVM caveat.</summary>
internal static class CpuChecks
{
    public static IEnumerable<HostCheckResult> Run(HostPaths paths)
    {
        HashSet<string> flags = ReadFlags(paths.CpuInfo);
        foreach (string flag in new[] { "lm", "sse4_1" })
        {
            yield return flags.Contains(flag)
                ? HostCheckResult.Pass("cpu.flag." + flag, "present")
                : HostCheckResult.Fail("cpu.flag." + flag, "missing from " + paths.CpuInfo);
        }

        bool pvm = Directory.Exists(Path.Combine(paths.Modules, "kvm_pvm"));
        if (flags.Contains("vmx") || flags.Contains("svm"))
        {
            yield return HostCheckResult.Pass("cpu.virtualization", flags.Contains("vmx") ? "vmx (Intel VT-x)" : "svm (AMD-V)");
        }
        else
        {
            yield return HostCheckResult.Warn(
                "cpu.virtualization",
                pvm ? "no vmx/svm: KVM is the paravirtual kvm_pvm module, under which stock guest kernels fail (run guests with TCG)"
                    : "no vmx/svm: hardware virtualization is not exposed; KVM guests cannot run");
        }
    }

    private static HashSet<string> ReadFlags(string cpuInfo)
    {
        foreach (string line in File.ReadLines(cpuInfo))
        {
            if (line.StartsWith("flags", StringComparison.Ordinal))
            {
                return [.. line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            }
        }

        return [];
    }
}
