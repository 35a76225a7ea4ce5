using System.Globalization;
using AotShim.Shim.Agent.Protocol;

namespace AotShim.GuestAgent.Guest;

/// <summary>GetGuestDetails: the memory block size (hex in sysfs) for memory hotplug, and what this agent supports.</summary>
internal static class GuestDetails
{
    private const string BlockSizeFile = "/sys/devices/system/memory/block_size_bytes";
    private const string ProbeFile = "/sys/devices/system/memory/probe";

    public static GuestDetailsResponse Read(GuestDetailsRequest request)
    {
        var response = new GuestDetailsResponse
        {
            AgentDetails = new AgentDetails
            {
                Version = AgentInfo.Version,
                InitDaemon = Environment.ProcessId == 1,
                StorageHandlers = { "9p", "virtio-fs", "local", "ephemeral", "blk", "scsi" },
            },
        };
        if (request.MemBlockSize && File.Exists(BlockSizeFile))
        {
            response.MemBlockSizeBytes = ulong.Parse(File.ReadAllText(BlockSizeFile).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        if (request.MemHotplugProbe)
        {
            response.SupportMemHotplugProbe = File.Exists(ProbeFile);
        }

        return response;
    }
}
