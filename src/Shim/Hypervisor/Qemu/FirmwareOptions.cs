namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>Firmware: -bios for a single image, -pflash for each flash (arm64 UEFI code and vars), firmware_volume as a second flash.</summary>
public sealed record FirmwareOptions(string Firmware, string FirmwareVolume, IReadOnlyList<string> Pflashes) : IQemuDevice
{
    public void AppendTo(QemuArguments arguments)
    {
        if (Firmware.Length > 0)
        {
            arguments.Add("-bios", Firmware);
        }

        if (FirmwareVolume.Length > 0)
        {
            arguments.Add("-drive", $"if=pflash,format=raw,readonly=on,file={FirmwareVolume}");
        }

        foreach (string pflash in Pflashes)
        {
            arguments.Add("-pflash", pflash);
        }
    }
}
