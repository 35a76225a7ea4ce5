using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Annotations;
using AotShim.Shim.Bootstrap;
using AotShim.Shim.Config;

namespace AotShim.Shim.Compute;

/// <summary>
/// static_sandbox_resource_mgmt: the VM boots with its defaults plus the whole pod's workload and is never resized.
/// A pod's sandbox container carries the pod's size in CRI annotations; a lone container (ctr run, no CRI) is the
/// whole sandbox, so its own limits size the VM (kata's CalculateSandboxSizing / CalculateContainerSizing).
/// </summary>
public static class StaticSizing
{
    public const string SandboxCpuQuota = "io.kubernetes.cri.sandbox-cpu-quota";
    public const string SandboxCpuPeriod = "io.kubernetes.cri.sandbox-cpu-period";
    public const string SandboxMemory = "io.kubernetes.cri.sandbox-memory";

    /// <summary>The workload the VM must hold from boot, read from the first container's spec.</summary>
    /// <exception cref="AnnotationException">A sizing annotation is not an integer.</exception>
    public static WorkloadSize Workload(Spec spec)
    {
        if (spec.Annotations.TryGetValue(BundleAnnotations.CriContainerType, out string? type) && type == "sandbox")
        {
            long quota = Annotation(spec, SandboxCpuQuota);
            long period = Annotation(spec, SandboxCpuPeriod);
            return new WorkloadSize(period > 0 ? WorkloadSize.VcpusFor(quota, (ulong)period) : 0, WorkloadSize.MiBFor(Annotation(spec, SandboxMemory)));
        }

        LinuxResources? resources = spec.Linux?.Resources;
        LinuxCPU? cpu = resources?.CPU;
        return new WorkloadSize(cpu is null ? 0 : WorkloadSize.VcpusFor(cpu.Quota, cpu.Period), WorkloadSize.MiBFor(resources?.Memory?.Limit ?? 0));
    }

    /// <summary>
    /// The configuration the VM boots from: default_vcpus and default_memory grown by the workload, and
    /// default_maxvcpus / default_maxmemory raised to them where set lower, so QEMU accepts the boot size.
    /// </summary>
    public static Configuration Apply(Configuration configuration, WorkloadSize workload)
    {
        QemuConfig h = configuration.Hypervisor;
        int vcpus = (int)Math.Min(int.MaxValue, (long)Math.Max(1, h.DefaultVcpus) + workload.Vcpus);
        ulong memory = h.DefaultMemory + workload.MemoryMiB;
        if (memory > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(workload), $"static sandbox sizing: default_memory {h.DefaultMemory} MiB plus the workload's {workload.MemoryMiB} MiB does not fit a VM");
        }

        return configuration with
        {
            Hypervisor = h with
            {
                DefaultVcpus = vcpus,
                DefaultMemory = (uint)memory,
                DefaultMaxVcpus = h.DefaultMaxVcpus != 0 && h.DefaultMaxVcpus < vcpus ? (uint)vcpus : h.DefaultMaxVcpus,
                DefaultMaxMemory = h.DefaultMaxMemory != 0 && h.DefaultMaxMemory < memory ? memory : h.DefaultMaxMemory,
            },
        };
    }

    /// <summary>An absent annotation counts as 0, as in kata; a present one must be an integer (kata only warns).</summary>
    private static long Annotation(Spec spec, string key)
    {
        if (!spec.Annotations.TryGetValue(key, out string? value))
        {
            return 0;
        }

        return long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long number)
            ? number
            : throw new AnnotationException(key, value, "not an integer");
    }
}
