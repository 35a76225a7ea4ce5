using AotShim.Native;

namespace AotShim.Kvm;

/// <summary>Which cgroup hierarchy the host mounts: v2 (unified), v1, or hybrid.</summary>
internal static class CgroupCheck
{
    public static HostCheckResult Run(HostPaths paths)
    {
        try
        {
            long type = FileSystems.Type(paths.CgroupRoot);
            if (type == FileSystems.Cgroup2Magic)
            {
                return HostCheckResult.Pass("cgroup.version", $"{paths.CgroupRoot} is cgroup2 (unified)", "2");
            }

            if (type == FileSystems.TmpfsMagic)
            {
                string unified = Path.Combine(paths.CgroupRoot, "unified");
                bool hybrid = Directory.Exists(unified) && FileSystems.Type(unified) == FileSystems.Cgroup2Magic;
                return HostCheckResult.Pass("cgroup.version", hybrid ? "cgroup v1 controllers with a v2 unified mount (hybrid)" : $"{paths.CgroupRoot} holds cgroup v1 controllers", "1");
            }

            return HostCheckResult.Fail("cgroup.version", $"{paths.CgroupRoot} is neither cgroup2 nor a tmpfs of v1 controllers (f_type 0x{type:x})");
        }
        catch (NativeException e)
        {
            return HostCheckResult.Fail("cgroup.version", e.Message);
        }
    }
}
