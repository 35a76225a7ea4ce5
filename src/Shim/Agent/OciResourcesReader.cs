using AotShim.Shim.Agent.Protocol;

namespace AotShim.Shim.Agent;

/// <summary>The runtime spec's linux.resources object (cgroup limits) into the agent's LinuxResources message.</summary>
internal static class OciResourcesReader
{
    public static LinuxResources ReadResources(ref OciJsonCursor json)
    {
        var resources = new LinuxResources();
        while (json.NextProperty())
        {
            if (json.Property("devices")) json.Objects(resources.Devices, ReadDeviceCgroup);
            else if (json.Property("memory")) resources.Memory = json.Object(ReadMemory);
            else if (json.Property("cpu")) resources.CPU = json.Object(ReadCpu);
            else if (json.Property("pids")) resources.Pids = json.Object(ReadPids);
            else if (json.Property("blockIO")) resources.BlockIO = json.Object(ReadBlockIO);
            else if (json.Property("hugepageLimits")) json.Objects(resources.HugepageLimits, ReadHugepageLimit);
            else if (json.Property("network")) resources.Network = json.Object(ReadNetwork);
            else json.SkipProperty();
        }

        return resources;
    }

    private static LinuxDeviceCgroup ReadDeviceCgroup(ref OciJsonCursor json)
    {
        var device = new LinuxDeviceCgroup();
        while (json.NextProperty())
        {
            if (json.Property("allow")) device.Allow = json.Bool();
            else if (json.Property("type")) device.Type = json.String();
            else if (json.Property("major")) device.Major = json.Int64();
            else if (json.Property("minor")) device.Minor = json.Int64();
            else if (json.Property("access")) device.Access = json.String();
            else json.SkipProperty();
        }

        return device;
    }

    private static LinuxMemory ReadMemory(ref OciJsonCursor json)
    {
        var memory = new LinuxMemory();
        while (json.NextProperty())
        {
            if (json.Property("limit")) memory.Limit = json.Int64();
            else if (json.Property("reservation")) memory.Reservation = json.Int64();
            else if (json.Property("swap")) memory.Swap = json.Int64();
            else if (json.Property("kernel")) memory.Kernel = json.Int64();
            else if (json.Property("kernelTCP")) memory.KernelTCP = json.Int64();
            else if (json.Property("swappiness")) memory.Swappiness = json.UInt64();
            else if (json.Property("disableOOMKiller")) memory.DisableOOMKiller = json.Bool();
            else json.SkipProperty();
        }

        return memory;
    }

    private static LinuxCPU ReadCpu(ref OciJsonCursor json)
    {
        var cpu = new LinuxCPU();
        while (json.NextProperty())
        {
            if (json.Property("shares")) cpu.Shares = json.UInt64();
            else if (json.Property("quota")) cpu.Quota = json.Int64();
            else if (json.Property("period")) cpu.Period = json.UInt64();
            else if (json.Property("realtimeRuntime")) cpu.RealtimeRuntime = json.Int64();
            else if (json.Property("realtimePeriod")) cpu.RealtimePeriod = json.UInt64();
            else if (json.Property("cpus")) cpu.Cpus = json.String();
            else if (json.Property("mems")) cpu.Mems = json.String();
            else json.SkipProperty();
        }

        return cpu;
    }

    private static LinuxPids ReadPids(ref OciJsonCursor json)
    {
        var pids = new LinuxPids();
        while (json.NextProperty())
        {
            if (json.Property("limit")) pids.Limit = json.Int64();
            else json.SkipProperty();
        }

        return pids;
    }

    private static LinuxBlockIO ReadBlockIO(ref OciJsonCursor json)
    {
        var blockIO = new LinuxBlockIO();
        while (json.NextProperty())
        {
            if (json.Property("weight")) blockIO.Weight = json.UInt16();
            else if (json.Property("leafWeight")) blockIO.LeafWeight = json.UInt16();
            else if (json.Property("weightDevice")) json.Objects(blockIO.WeightDevice, ReadWeightDevice);
            else if (json.Property("throttleReadBpsDevice")) json.Objects(blockIO.ThrottleReadBpsDevice, ReadThrottleDevice);
            else if (json.Property("throttleWriteBpsDevice")) json.Objects(blockIO.ThrottleWriteBpsDevice, ReadThrottleDevice);
            else if (json.Property("throttleReadIOPSDevice")) json.Objects(blockIO.ThrottleReadIOPSDevice, ReadThrottleDevice);
            else if (json.Property("throttleWriteIOPSDevice")) json.Objects(blockIO.ThrottleWriteIOPSDevice, ReadThrottleDevice);
            else json.SkipProperty();
        }

        return blockIO;
    }

    private static LinuxWeightDevice ReadWeightDevice(ref OciJsonCursor json)
    {
        var device = new LinuxWeightDevice();
        while (json.NextProperty())
        {
            if (json.Property("major")) device.Major = json.Int64();
            else if (json.Property("minor")) device.Minor = json.Int64();
            else if (json.Property("weight")) device.Weight = json.UInt16();
            else if (json.Property("leafWeight")) device.LeafWeight = json.UInt16();
            else json.SkipProperty();
        }

        return device;
    }

    private static LinuxThrottleDevice ReadThrottleDevice(ref OciJsonCursor json)
    {
        var device = new LinuxThrottleDevice();
        while (json.NextProperty())
        {
            if (json.Property("major")) device.Major = json.Int64();
            else if (json.Property("minor")) device.Minor = json.Int64();
            else if (json.Property("rate")) device.Rate = json.UInt64();
            else json.SkipProperty();
        }

        return device;
    }

    private static LinuxHugepageLimit ReadHugepageLimit(ref OciJsonCursor json)
    {
        var limit = new LinuxHugepageLimit();
        while (json.NextProperty())
        {
            if (json.Property("pageSize")) limit.Pagesize = json.String();
            else if (json.Property("limit")) limit.Limit = json.UInt64();
            else json.SkipProperty();
        }

        return limit;
    }

    private static LinuxNetwork ReadNetwork(ref OciJsonCursor json)
    {
        var network = new LinuxNetwork();
        while (json.NextProperty())
        {
            if (json.Property("classID")) network.ClassID = json.UInt32();
            else if (json.Property("priorities")) json.Objects(network.Priorities, ReadInterfacePriority);
            else json.SkipProperty();
        }

        return network;
    }

    private static LinuxInterfacePriority ReadInterfacePriority(ref OciJsonCursor json)
    {
        var priority = new LinuxInterfacePriority();
        while (json.NextProperty())
        {
            if (json.Property("name")) priority.Name = json.String();
            else if (json.Property("priority")) priority.Priority = json.UInt32();
            else json.SkipProperty();
        }

        return priority;
    }
}
