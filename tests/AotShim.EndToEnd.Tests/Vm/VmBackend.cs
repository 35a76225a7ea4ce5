using AotShim.EndToEnd.Tests.Containerd;

namespace AotShim.EndToEnd.Tests.Vm;

/// <summary>What every containerd test of the VM shim shares: its runtime, prerequisites and what a sandbox may leave behind.</summary>
internal static class VmBackend
{
    public const string Runtime = "io.containerd.ecr.v2";

    public static void CheckPrerequisites() =>
        Assert.True(File.Exists("/usr/bin/qemu-system-x86_64"), "/usr/bin/qemu-system-x86_64 is missing: apt-get install qemu-system-x86 (./build.sh test installs it)");

    /// <summary>The sandbox's VM, its directories, its persisted state and its QEMU must all be gone.</summary>
    public static IEnumerable<string> Leftovers(string id)
    {
        foreach (string directory in new[] { $"/run/vc/vm/{id}", $"/run/kata-containers/shared/sandboxes/{id}", $"/run/vc/sbs/{id}" })
        {
            if (Directory.Exists(directory))
            {
                yield return "sandbox directory still exists: " + directory;
            }
        }

        foreach (HostProcess qemu in HostProcesses.All().Where(p => !p.IsDead && p.Argv.Contains("sandbox-" + id)))
        {
            yield return $"QEMU pid {qemu.Pid} still running: {qemu.CommandLine}";
        }

        foreach (string mount in HostProcesses.MountsUnder($"/run/kata-containers/shared/sandboxes/{id}"))
        {
            yield return "still mounted: " + mount;
        }
    }
}
