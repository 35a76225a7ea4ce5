using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>device_add scsi-hd over a blockdev node on a virtio-scsi controller's bus (e.g. "scsi0.0").</summary>
public sealed record ScsiHdDevice(string Id, string Drive) : IQmpDevice
{
    public string? Bus { get; init; }

    public int? ScsiId { get; init; }

    public int? Lun { get; init; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("driver"u8, "scsi-hd"u8);
        writer.WriteString("id"u8, Id);
        writer.WriteString("drive"u8, Drive);
        if (Bus is not null)
        {
            writer.WriteString("bus"u8, Bus);
        }

        if (ScsiId is int scsiId)
        {
            writer.WriteNumber("scsi-id"u8, scsiId);
        }

        if (Lun is int lun)
        {
            writer.WriteNumber("lun"u8, lun);
        }
    }
}
