using System.Diagnostics;

namespace AotShim.GuestAgent.Sandbox;

/// <summary>
/// Finds the /dev node of a hot-plugged disk by the address the shim names, as kata's agent does: a virtio-blk PCI
/// path ("02/01": slot 2 of the root bus, then slot 1 on the bus behind it) or a SCSI "id:lun", whose bus is scanned
/// first (the kernel is booted with scsi_mod.scan=none). The kernel binds a disk a little after QMP's device_add
/// returns, so the lookup waits for it.
/// </summary>
internal static class GuestDisks
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static string ByPciPath(string pciPath)
    {
        string[] slots = pciPath.Split('/');
        if (slots.Length == 0 || slots.Any(s => s.Length != 2 || !int.TryParse(s, System.Globalization.NumberStyles.HexNumber, null, out _)))
        {
            throw new ArgumentException($"blk storage: \"{pciPath}\" is not a PCI path (two hex digits per bus hop, e.g. 02/01)");
        }

        return WaitForDisk($"virtio-blk at PCI path {pciPath}", () =>
        {
            string? device = PciDeviceDirectory(slots);
            return device is null ? [] : Directory.GetDirectories(device, "virtio*").SelectMany(v => Disks(Path.Combine(v, "block")));
        });
    }

    public static string ByScsiAddress(string address)
    {
        string[] parts = address.Split(':');
        if (parts.Length != 2 || !parts.All(p => uint.TryParse(p, out _)))
        {
            throw new ArgumentException($"scsi storage: \"{address}\" is not a SCSI address (id:lun)");
        }

        foreach (string host in Directory.GetDirectories("/sys/class/scsi_host"))
        {
            File.WriteAllText(Path.Combine(host, "scan"), $"0 {parts[0]} {parts[1]}");
        }

        return WaitForDisk($"SCSI disk {address}", () =>
            Directory.GetDirectories("/sys/bus/scsi/devices", $"*:0:{parts[0]}:{parts[1]}").SelectMany(d => Disks(Path.Combine(d, "block"))));
    }

    /// <summary>The sysfs directory of the device at the end of a PCI path, or null while a hop is not there yet.</summary>
    private static string? PciDeviceDirectory(string[] slots)
    {
        string? directory = RootBus();
        string bus = "0000:00";
        for (int i = 0; directory is not null && i < slots.Length; i++)
        {
            directory = Path.Combine(directory, $"{bus}:{slots[i]}.0");
            if (!Directory.Exists(directory))
            {
                return null;
            }

            if (i < slots.Length - 1)
            {
                string[] secondary = Directory.Exists(Path.Combine(directory, "pci_bus")) ? Directory.GetDirectories(Path.Combine(directory, "pci_bus")) : [];
                if (secondary.Length != 1)
                {
                    return null;
                }

                bus = Path.GetFileName(secondary[0]);
            }
        }

        return directory;
    }

    /// <summary>The root PCI bus: x86 has it at the top, arm64 virt below its host bridge's platform device.</summary>
    private static string? RootBus() =>
        Directory.Exists("/sys/devices/pci0000:00")
            ? "/sys/devices/pci0000:00"
            : Directory.GetDirectories("/sys/devices/platform", "*pcie*").Select(p => Path.Combine(p, "pci0000:00")).FirstOrDefault(Directory.Exists);

    private static IEnumerable<string?> Disks(string blockDirectory) =>
        Directory.Exists(blockDirectory) ? Directory.GetDirectories(blockDirectory).Select(Path.GetFileName) : [];

    /// <summary>
    /// The node is there before the disk is: add_disk makes sysfs and devtmpfs entries first, and until it has
    /// registered the block device an open (or a mount) fails with ENXIO, so the disk counts once it opens.
    /// </summary>
    private static string WaitForDisk(string what, Func<IEnumerable<string?>> find)
    {
        var waited = Stopwatch.StartNew();
        string? notReady = null;
        while (true)
        {
            if (find().FirstOrDefault() is string name && File.Exists("/dev/" + name))
            {
                try
                {
                    File.OpenHandle("/dev/" + name, FileMode.Open, FileAccess.Read).Dispose();
                    return "/dev/" + name;
                }
                catch (IOException e)
                {
                    notReady = $" (/dev/{name}: {e.Message})";
                }
            }

            if (waited.Elapsed > Patience)
            {
                throw new TimeoutException($"{what} did not appear in the guest within {Patience.TotalSeconds} s{notReady}");
            }

            Thread.Sleep(PollInterval);
        }
    }
}
