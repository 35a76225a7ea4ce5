using AotShim.Shim.Agent.Protocol;

namespace AotShim.GuestAgent.Guest;

/// <summary>
/// OnlineCPUMem: writes 1 to every offline CPU's sysfs online file and "online" to every offline memory block,
/// as kata's agent does after a hotplug. With wait and nb_cpus it polls until that many CPUs are online.
/// </summary>
internal static class HotplugOnline
{
    private const string Cpus = "/sys/devices/system/cpu";
    private const string Memory = "/sys/devices/system/memory";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    public static async Task OnlineAsync(OnlineCPUMemRequest request, CancellationToken ct)
    {
        DateTime deadline = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            int online = OnlineCpus();
            if (!request.CpuOnly)
            {
                OnlineMemory();
            }

            if (!request.Wait || request.NbCpus == 0 || online >= request.NbCpus)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {online} of {request.NbCpus} CPUs came online within {WaitLimit.TotalSeconds} s");
            }

            await Task.Delay(Poll, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Onlines what is offline and returns how many CPUs are online (cpu0 often has no online file).</summary>
    private static int OnlineCpus()
    {
        int online = 0;
        foreach (string cpu in Directory.EnumerateDirectories(Cpus, "cpu*").Where(d => int.TryParse(Path.GetFileName(d)[3..], out _)))
        {
            string file = Path.Combine(cpu, "online");
            if (File.Exists(file) && File.ReadAllText(file).Trim() == "0")
            {
                File.WriteAllText(file, "1");
            }

            online += !File.Exists(file) || File.ReadAllText(file).Trim() == "1" ? 1 : 0;
        }

        return online;
    }

    private static void OnlineMemory()
    {
        if (!Directory.Exists(Memory))
        {
            return;
        }

        foreach (string block in Directory.EnumerateDirectories(Memory, "memory*"))
        {
            string state = Path.Combine(block, "state");
            if (File.Exists(state) && File.ReadAllText(state).Trim() == "offline")
            {
                File.WriteAllText(state, "online");
            }
        }
    }
}
