using AotShim.Shim.Agent.Protocol;

namespace AotShim.Shim.Agent;

/// <summary>The runtime spec's linux object (namespaces, devices, id mappings, seccomp) into the agent's Linux message.</summary>
internal static class OciLinuxReader
{
    public static Linux ReadLinux(ref OciJsonCursor json)
    {
        var linux = new Linux();
        while (json.NextProperty())
        {
            if (json.Property("uidMappings")) json.Objects(linux.UIDMappings, ReadIdMapping);
            else if (json.Property("gidMappings")) json.Objects(linux.GIDMappings, ReadIdMapping);
            else if (json.Property("sysctl")) json.StringMap(linux.Sysctl);
            else if (json.Property("resources")) linux.Resources = json.Object(OciResourcesReader.ReadResources);
            else if (json.Property("cgroupsPath")) linux.CgroupsPath = json.String();
            else if (json.Property("namespaces")) json.Objects(linux.Namespaces, ReadNamespace);
            else if (json.Property("devices")) json.Objects(linux.Devices, ReadDevice);
            else if (json.Property("seccomp")) linux.Seccomp = json.Object(ReadSeccomp);
            else if (json.Property("rootfsPropagation")) linux.RootfsPropagation = json.String();
            else if (json.Property("maskedPaths")) json.Strings(linux.MaskedPaths);
            else if (json.Property("readonlyPaths")) json.Strings(linux.ReadonlyPaths);
            else if (json.Property("mountLabel")) linux.MountLabel = json.String();
            else if (json.Property("intelRdt")) linux.IntelRdt = json.Object(ReadIntelRdt);
            else json.SkipProperty();
        }

        return linux;
    }

    private static LinuxIDMapping ReadIdMapping(ref OciJsonCursor json)
    {
        var mapping = new LinuxIDMapping();
        while (json.NextProperty())
        {
            if (json.Property("containerID")) mapping.ContainerID = json.UInt32();
            else if (json.Property("hostID")) mapping.HostID = json.UInt32();
            else if (json.Property("size")) mapping.Size = json.UInt32();
            else json.SkipProperty();
        }

        return mapping;
    }

    private static LinuxNamespace ReadNamespace(ref OciJsonCursor json)
    {
        var ns = new LinuxNamespace();
        while (json.NextProperty())
        {
            if (json.Property("type")) ns.Type = json.String();
            else if (json.Property("path")) ns.Path = json.String();
            else json.SkipProperty();
        }

        return ns;
    }

    private static LinuxDevice ReadDevice(ref OciJsonCursor json)
    {
        var device = new LinuxDevice();
        while (json.NextProperty())
        {
            if (json.Property("path")) device.Path = json.String();
            else if (json.Property("type")) device.Type = json.String();
            else if (json.Property("major")) device.Major = json.Int64();
            else if (json.Property("minor")) device.Minor = json.Int64();
            else if (json.Property("fileMode")) device.FileMode = json.UInt32();
            else if (json.Property("uid")) device.UID = json.UInt32();
            else if (json.Property("gid")) device.GID = json.UInt32();
            else json.SkipProperty();
        }

        return device;
    }

    private static LinuxSeccomp ReadSeccomp(ref OciJsonCursor json)
    {
        var seccomp = new LinuxSeccomp();
        while (json.NextProperty())
        {
            if (json.Property("defaultAction")) seccomp.DefaultAction = json.String();
            else if (json.Property("architectures")) json.Strings(seccomp.Architectures);
            else if (json.Property("flags")) json.Strings(seccomp.Flags);
            else if (json.Property("syscalls")) json.Objects(seccomp.Syscalls, ReadSyscall);
            else json.SkipProperty();
        }

        return seccomp;
    }

    private static LinuxSyscall ReadSyscall(ref OciJsonCursor json)
    {
        var syscall = new LinuxSyscall();
        while (json.NextProperty())
        {
            if (json.Property("names")) json.Strings(syscall.Names);
            else if (json.Property("action")) syscall.Action = json.String();
            else if (json.Property("errnoRet")) ReadErrnoRet(ref json, syscall);
            else if (json.Property("args")) json.Objects(syscall.Args, ReadSeccompArg);
            else json.SkipProperty();
        }

        return syscall;
    }

    /// <summary>A oneof, so that an absent or null errnoRet (the runtime's default errno) differs from an explicit 0.</summary>
    private static void ReadErrnoRet(ref OciJsonCursor json, LinuxSyscall syscall)
    {
        if (json.IsNull)
        {
            syscall.ClearErrnoRet();
        }
        else
        {
            syscall.Errnoret = json.UInt32();
        }
    }

    private static LinuxSeccompArg ReadSeccompArg(ref OciJsonCursor json)
    {
        var arg = new LinuxSeccompArg();
        while (json.NextProperty())
        {
            if (json.Property("index")) arg.Index = json.UInt64();
            else if (json.Property("value")) arg.Value = json.UInt64();
            else if (json.Property("valueTwo")) arg.ValueTwo = json.UInt64();
            else if (json.Property("op")) arg.Op = json.String();
            else json.SkipProperty();
        }

        return arg;
    }

    private static LinuxIntelRdt ReadIntelRdt(ref OciJsonCursor json)
    {
        var rdt = new LinuxIntelRdt();
        while (json.NextProperty())
        {
            if (json.Property("l3CacheSchema")) rdt.L3CacheSchema = json.String();
            else json.SkipProperty();
        }

        return rdt;
    }
}
