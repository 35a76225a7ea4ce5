using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using AotShim.Shim.Agent.Protocol;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AotShim.Shim.Tests.Agent;

/// <summary>
/// The agent protocol on the wire, read back by protoc --decode_raw (no schema): every field must travel under the number
/// kata-containers 3.4.0 gives it (src/libs/protocols/protos/{agent,oci,types,health}.proto), written out here by hand.
/// </summary>
public sealed partial class AgentWireTests
{
    private static readonly TimeSpan ProtocTimeout = TimeSpan.FromMinutes(1);

    private static readonly FileDescriptor[] Files =
        [AgentReflection.Descriptor, OciReflection.Descriptor, TypesReflection.Descriptor, HealthReflection.Descriptor];

    private static readonly Dictionary<string, MessageDescriptor> Messages = Files.SelectMany(file => file.MessageTypes).ToDictionary(m => m.Name);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Upstream's field numbers per message, top level only; the comment names the fields in number order.</summary>
    public static TheoryData<string, int[]> UpstreamNumbers => new()
    {
        { "CheckRequest", [1] }, // service
        { "HealthCheckResponse", [1] }, // status
        { "VersionCheckResponse", [1, 2] }, // grpc_version, agent_version
        // hostname, dns, storages, sandbox_pidns, sandbox_id, guest_hook_path, kernel_modules
        { "CreateSandboxRequest", [1, 2, 3, 4, 5, 6, 7] },
        { "DestroySandboxRequest", [] }, // no fields
        // container_id, exec_id, string_user, devices, storages, OCI, sandbox_pidns, shared_mounts, stdin_port, stdout_port,
        // stderr_port
        { "CreateContainerRequest", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
        { "StartContainerRequest", [1] }, // container_id
        { "RemoveContainerRequest", [1, 2] }, // container_id, timeout
        // container_id, exec_id, string_user, process, stdin_port, stdout_port, stderr_port
        { "ExecProcessRequest", [1, 2, 3, 4, 5, 6, 7] },
        { "SignalProcessRequest", [1, 2, 3] }, // container_id, exec_id, signal
        { "WaitProcessRequest", [1, 2] }, // container_id, exec_id
        { "WaitProcessResponse", [1] }, // status
        { "WriteStreamRequest", [1, 2, 3] }, // container_id, exec_id, data
        { "WriteStreamResponse", [1] }, // len
        { "ReadStreamRequest", [1, 2, 3] }, // container_id, exec_id, len
        { "ReadStreamResponse", [1] }, // data
        { "CloseStdinRequest", [1, 2] }, // container_id, exec_id
        { "TtyWinResizeRequest", [1, 2, 3, 4] }, // container_id, exec_id, row, column
        { "UpdateContainerRequest", [1, 2] }, // container_id, resources
        { "StatsContainerRequest", [1] }, // container_id
        { "StatsContainerResponse", [1, 2] }, // cgroup_stats, network_stats
        { "PauseContainerRequest", [1] }, // container_id
        { "ResumeContainerRequest", [1] }, // container_id
        { "UpdateInterfaceRequest", [1] }, // interface
        { "UpdateRoutesRequest", [1] }, // routes
        { "ListInterfacesRequest", [] }, // no fields
        { "ListRoutesRequest", [] }, // no fields
        { "Interfaces", [1] }, // Interfaces
        { "Routes", [1] }, // Routes
        { "AddARPNeighborsRequest", [1] }, // neighbors
        { "ARPNeighbors", [1] }, // ARPNeighbors
        { "OnlineCPUMemRequest", [1, 2, 3] }, // wait, nb_cpus, cpu_only
        { "GuestDetailsRequest", [1, 2] }, // mem_block_size, mem_hotplug_probe
        { "GuestDetailsResponse", [1, 2, 3] }, // mem_block_size_bytes, agent_details, support_mem_hotplug_probe
        { "AgentDetails", [1, 2, 3, 4, 5, 6] }, // version, init_daemon, device_handlers, storage_handlers, supports_seccomp, extra_features
        { "SetGuestDateTimeRequest", [1, 2] }, // Sec, Usec
        { "CopyFileRequest", [1, 2, 3, 4, 5, 6, 7, 8] }, // path, file_size, file_mode, dir_mode, uid, gid, offset, data
        { "GetOOMEventRequest", [] }, // no fields
        { "OOMEvent", [1] }, // container_id
        { "StringUser", [1, 2, 3] }, // uid, gid, additionalGids
        { "Device", [1, 2, 3, 4, 5] }, // id, type, vm_path, container_path, options
        { "Storage", [1, 2, 3, 4, 5, 6, 7] }, // driver, driver_options, source, fstype, options, mount_point, fs_group
        { "FSGroup", [2, 3] }, // group_id, group_change_policy
        { "SharedMount", [1, 2, 3, 4, 5] }, // name, src_ctr, src_path, dst_ctr, dst_path
        { "KernelModule", [1, 2] }, // name, parameters
        { "CgroupStats", [1, 2, 3, 4, 5] }, // cpu_stats, memory_stats, pids_stats, blkio_stats, hugetlb_stats
        { "CpuStats", [1, 2] }, // cpu_usage, throttling_data
        { "CpuUsage", [1, 2, 3, 4] }, // total_usage, percpu_usage, usage_in_kernelmode, usage_in_usermode
        { "ThrottlingData", [1, 2, 3] }, // periods, throttled_periods, throttled_time
        { "MemoryStats", [1, 2, 3, 4, 5, 6] }, // cache, usage, swap_usage, kernel_usage, use_hierarchy, stats
        { "MemoryData", [1, 2, 3, 4] }, // usage, max_usage, failcnt, limit
        { "PidsStats", [1, 2] }, // current, limit
        // io_service_bytes_recursive, io_serviced_recursive, io_queued_recursive, io_service_time_recursive,
        // io_wait_time_recursive, io_merged_recursive, io_time_recursive, sectors_recursive
        { "BlkioStats", [1, 2, 3, 4, 5, 6, 7, 8] },
        { "BlkioStatsEntry", [1, 2, 3, 4] }, // major, minor, op, value
        { "HugetlbStats", [1, 2, 3] }, // usage, max_usage, failcnt
        // name, rx_bytes, rx_packets, rx_errors, rx_dropped, tx_bytes, tx_packets, tx_errors, tx_dropped
        { "NetworkStats", [1, 2, 3, 4, 5, 6, 7, 8, 9] },
        { "Interface", [1, 2, 3, 4, 5, 6, 7, 8] }, // device, name, IPAddresses, mtu, hwAddr, pciPath, type, raw_flags
        { "IPAddress", [1, 2, 3] }, // family, address, mask
        { "Route", [1, 2, 3, 4, 5, 6] }, // dest, gateway, device, source, scope, family
        { "ARPNeighbor", [1, 2, 3, 4, 5] }, // toIPAddress, device, lladdr, state, flags
        // Version, Process, Root, Hostname, Mounts, Hooks, Annotations, Linux, Solaris, Windows
        { "Spec", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
        // Terminal, ConsoleSize, User, Args, Env, Cwd, Capabilities, Rlimits, NoNewPrivileges, ApparmorProfile, OOMScoreAdj,
        // SelinuxLabel
        { "Process", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] },
        { "Box", [1, 2] }, // Height, Width
        { "User", [1, 2, 3, 4] }, // UID, GID, AdditionalGids, Username
        { "LinuxCapabilities", [1, 2, 3, 4, 5] }, // Bounding, Effective, Inheritable, Permitted, Ambient
        { "POSIXRlimit", [1, 2, 3] }, // Type, Hard, Soft
        { "Root", [1, 2] }, // Path, Readonly
        { "Mount", [1, 2, 3, 4] }, // destination, source, type, options
        { "Hooks", [1, 2, 3, 4, 5, 6] }, // Prestart, Poststart, Poststop, CreateRuntime, CreateContainer, StartContainer
        { "Hook", [1, 2, 3, 4] }, // Path, Args, Env, Timeout
        // UIDMappings, GIDMappings, Sysctl, Resources, CgroupsPath, Namespaces, Devices, Seccomp, RootfsPropagation, MaskedPaths,
        // ReadonlyPaths, MountLabel, IntelRdt
        { "Linux", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] },
        { "Windows", [1] }, // dummy
        { "Solaris", [1] }, // dummy
        { "LinuxIDMapping", [1, 2, 3] }, // HostID, ContainerID, Size
        { "LinuxNamespace", [1, 2] }, // Type, Path
        { "LinuxDevice", [1, 2, 3, 4, 5, 6, 7] }, // Path, Type, Major, Minor, FileMode, UID, GID
        { "LinuxResources", [1, 2, 3, 4, 5, 6, 7] }, // Devices, Memory, CPU, Pids, BlockIO, HugepageLimits, Network
        { "LinuxMemory", [1, 2, 3, 4, 5, 6, 7] }, // Limit, Reservation, Swap, Kernel, KernelTCP, Swappiness, DisableOOMKiller
        { "LinuxCPU", [1, 2, 3, 4, 5, 6, 7] }, // Shares, Quota, Period, RealtimeRuntime, RealtimePeriod, Cpus, Mems
        { "LinuxWeightDevice", [1, 2, 3, 4] }, // Major, Minor, Weight, LeafWeight
        { "LinuxThrottleDevice", [1, 2, 3] }, // Major, Minor, Rate
        // Weight, LeafWeight, WeightDevice, ThrottleReadBpsDevice, ThrottleWriteBpsDevice, ThrottleReadIOPSDevice,
        // ThrottleWriteIOPSDevice
        { "LinuxBlockIO", [1, 2, 3, 4, 5, 6, 7] },
        { "LinuxPids", [1] }, // Limit
        { "LinuxDeviceCgroup", [1, 2, 3, 4, 5] }, // Allow, Type, Major, Minor, Access
        { "LinuxNetwork", [1, 2] }, // ClassID, Priorities
        { "LinuxHugepageLimit", [1, 2] }, // Pagesize, Limit
        { "LinuxInterfacePriority", [1, 2] }, // Name, Priority
        { "LinuxSeccomp", [1, 2, 3, 4] }, // DefaultAction, Architectures, Flags, Syscalls
        { "LinuxSeccompArg", [1, 2, 3, 4] }, // Index, Value, ValueTwo, Op
        { "LinuxSyscall", [1, 2, 3, 4] }, // Names, Action, errnoret, Args
        { "LinuxIntelRdt", [1] }, // L3CacheSchema
    };

    [Theory]
    [MemberData(nameof(UpstreamNumbers))]
    public async Task A_fully_set_message_puts_every_field_on_the_wire_under_its_upstream_number(string message, int[] numbers)
    {
        WireField decoded = await DecodeRawAsync(Filled(Messages[message]));

        Assert.Equal(numbers, decoded.Numbers);
    }

    [Fact]
    public void The_number_table_covers_every_message_the_agent_protos_define()
    {
        Assert.Equal(Messages.Keys.Order(StringComparer.Ordinal), UpstreamNumbers.Select(row => row.Data.Item1).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_container_spec_nests_process_user_root_and_storage_under_upstream_numbers()
    {
        var request = new CreateContainerRequest
        {
            ContainerId = "c1",
            Storages =
            {
                new AotShim.Shim.Agent.Protocol.Storage
                {
                    Driver = "virtio-fs", DriverOptions = { "o" }, Source = "kataShared", Fstype = "virtiofs", Options = { "nodev" },
                    MountPoint = "/run/kata-containers/shared/containers",
                    FsGroup = new FSGroup { GroupId = 1000, GroupChangePolicy = FSGroupChangePolicy.OnRootMismatch },
                },
            },
            OCI = new Spec
            {
                Version = "1.0.2",
                Process = new Process
                {
                    Terminal = true, ConsoleSize = new Box { Height = 24, Width = 80 },
                    User = new User { UID = 1, GID = 2, AdditionalGids = { 3 }, Username = "u" },
                    Args = { "sh" }, Env = { "PATH=/bin" }, Cwd = "/", Capabilities = new LinuxCapabilities { Bounding = { "CAP_KILL" } },
                    Rlimits = { new POSIXRlimit { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 } }, NoNewPrivileges = true,
                    ApparmorProfile = "a", OOMScoreAdj = -998, SelinuxLabel = "l",
                },
                Root = new Root { Path = "/run/kata-containers/c1/rootfs", Readonly = true },
            },
        };

        WireField decoded = await DecodeRawAsync(request);

        Assert.Equal([1, 5, 6], decoded.Numbers);                                      // container_id, storages, OCI
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], decoded[5].Numbers);                       // Storage: driver .. fs_group
        Assert.Equal("\"/run/kata-containers/shared/containers\"", decoded[5][6].Value); // Storage.mount_point
        Assert.Equal([2, 3], decoded[5][7].Numbers);                                   // FSGroup: group_id, group_change_policy
        Assert.Equal("1", decoded[5][7][3].Value);                                     // OnRootMismatch
        Assert.Equal([1, 2, 3], decoded[6].Numbers);                                   // Spec: Version, Process, Root
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], decoded[6][2].Numbers);  // Process: Terminal .. SelinuxLabel
        Assert.Equal([1, 2], decoded[6][2][2].Numbers);                                // Box: Height, Width
        Assert.Equal([1, 2, 3, 4], decoded[6][2][3].Numbers);                          // User: UID, GID, AdditionalGids, Username
        Assert.Equal([1, 2, 3], decoded[6][2][8].Numbers);                             // POSIXRlimit: Type, Hard, Soft
        Assert.Equal("18446744073709550618", decoded[6][2][11].Value);                 // OOMScoreAdj -998 as a plain int64 varint
        Assert.Equal([1, 2], decoded[6][3].Numbers);                                   // Root: Path, Readonly
        Assert.Equal("\"/run/kata-containers/c1/rootfs\"", decoded[6][3][1].Value);
    }

    [Fact]
    public void The_services_carry_the_names_and_message_types_the_kata_agent_serves()
    {
        string[] rpcs = [.. Files.SelectMany(file => file.Services)
            .SelectMany(service => service.Methods.Select(m => $"{service.FullName}/{m.Name}({m.InputType.FullName}) {m.OutputType.FullName}"))
            .Order(StringComparer.Ordinal)];

        Assert.Equal(
        [
            "grpc.AgentService/AddARPNeighbors(grpc.AddARPNeighborsRequest) google.protobuf.Empty",
            "grpc.AgentService/CloseStdin(grpc.CloseStdinRequest) google.protobuf.Empty",
            "grpc.AgentService/CopyFile(grpc.CopyFileRequest) google.protobuf.Empty",
            "grpc.AgentService/CreateContainer(grpc.CreateContainerRequest) google.protobuf.Empty",
            "grpc.AgentService/CreateSandbox(grpc.CreateSandboxRequest) google.protobuf.Empty",
            "grpc.AgentService/DestroySandbox(grpc.DestroySandboxRequest) google.protobuf.Empty",
            "grpc.AgentService/ExecProcess(grpc.ExecProcessRequest) google.protobuf.Empty",
            "grpc.AgentService/GetGuestDetails(grpc.GuestDetailsRequest) grpc.GuestDetailsResponse",
            "grpc.AgentService/GetOOMEvent(grpc.GetOOMEventRequest) grpc.OOMEvent",
            "grpc.AgentService/ListInterfaces(grpc.ListInterfacesRequest) grpc.Interfaces",
            "grpc.AgentService/ListRoutes(grpc.ListRoutesRequest) grpc.Routes",
            "grpc.AgentService/OnlineCPUMem(grpc.OnlineCPUMemRequest) google.protobuf.Empty",
            "grpc.AgentService/PauseContainer(grpc.PauseContainerRequest) google.protobuf.Empty",
            "grpc.AgentService/ReadStderr(grpc.ReadStreamRequest) grpc.ReadStreamResponse",
            "grpc.AgentService/ReadStdout(grpc.ReadStreamRequest) grpc.ReadStreamResponse",
            "grpc.AgentService/RemoveContainer(grpc.RemoveContainerRequest) google.protobuf.Empty",
            "grpc.AgentService/ResumeContainer(grpc.ResumeContainerRequest) google.protobuf.Empty",
            "grpc.AgentService/SetGuestDateTime(grpc.SetGuestDateTimeRequest) google.protobuf.Empty",
            "grpc.AgentService/SignalProcess(grpc.SignalProcessRequest) google.protobuf.Empty",
            "grpc.AgentService/StartContainer(grpc.StartContainerRequest) google.protobuf.Empty",
            "grpc.AgentService/StatsContainer(grpc.StatsContainerRequest) grpc.StatsContainerResponse",
            "grpc.AgentService/TtyWinResize(grpc.TtyWinResizeRequest) google.protobuf.Empty",
            "grpc.AgentService/UpdateContainer(grpc.UpdateContainerRequest) google.protobuf.Empty",
            "grpc.AgentService/UpdateInterface(grpc.UpdateInterfaceRequest) types.Interface",
            "grpc.AgentService/UpdateRoutes(grpc.UpdateRoutesRequest) grpc.Routes",
            "grpc.AgentService/WaitProcess(grpc.WaitProcessRequest) grpc.WaitProcessResponse",
            "grpc.AgentService/WriteStdin(grpc.WriteStreamRequest) grpc.WriteStreamResponse",
            "grpc.Health/Check(grpc.CheckRequest) grpc.HealthCheckResponse",
            "grpc.Health/Version(grpc.CheckRequest) grpc.VersionCheckResponse",
        ], rpcs);
    }

    /// <summary>The message with every field set off its default: one element per repeated field, one entry per map.</summary>
    private static IMessage Filled(MessageDescriptor descriptor)
    {
        IMessage message = descriptor.Parser.ParseFrom(ByteString.Empty);
        foreach (FieldDescriptor field in descriptor.Fields.InFieldNumberOrder())
        {
            object value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                ((IDictionary)value).Add(Sample(field.MessageType.FindFieldByNumber(1)), Sample(field.MessageType.FindFieldByNumber(2)));
            }
            else if (field.IsRepeated)
            {
                ((IList)value).Add(Sample(field));
            }
            else
            {
                field.Accessor.SetValue(message, Sample(field));
            }
        }

        return message;
    }

    // Strings and bytes start with bytes protoc cannot read as a field tag, so it prints them as values, not as messages.
    private static object Sample(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => Filled(field.MessageType),
        FieldType.String => "/x",
        FieldType.Bytes => ByteString.CopyFrom(0, 1),
        FieldType.Bool => true,
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, field.EnumType.Values[^1].Number),
        FieldType.Int32 => 7,
        FieldType.Int64 => 7L,
        FieldType.UInt32 => 7u,
        FieldType.UInt64 => 7ul,
        _ => throw new NotSupportedException($"{field.FullName}: no sample for {field.FieldType}"),
    };

    private static async Task<WireField> DecodeRawAsync(IMessage message)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Protoc(), "--decode_raw")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using System.Diagnostics.Process protoc = System.Diagnostics.Process.Start(start)!;
        Task<string> output = protoc.StandardOutput.ReadToEndAsync(Ct);
        Task<string> errors = protoc.StandardError.ReadToEndAsync(Ct);
        await protoc.StandardInput.BaseStream.WriteAsync(message.ToByteArray(), Ct);
        protoc.StandardInput.Close();
        await protoc.WaitForExitAsync(Ct).WaitAsync(ProtocTimeout, Ct);

        Assert.True(protoc.ExitCode == 0, $"protoc --decode_raw exited {protoc.ExitCode}: {await errors}");
        using IEnumerator<string> lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .AsEnumerable().GetEnumerator();
        return new WireField(0, null, ParseFields(lines));
    }

    /// <summary>Lines up to the closing brace of the current level: "N: value" is a leaf, "N {" opens a nested message.</summary>
    private static List<WireField> ParseFields(IEnumerator<string> lines)
    {
        var fields = new List<WireField>();
        while (lines.MoveNext() && lines.Current != "}")
        {
            Match line = DecodedLine().Match(lines.Current);
            Assert.True(line.Success, $"unexpected protoc --decode_raw line: {lines.Current}");
            int number = int.Parse(line.Groups["number"].Value, CultureInfo.InvariantCulture);
            fields.Add(line.Groups["value"].Success ? new WireField(number, line.Groups["value"].Value, []) : new WireField(number, null, ParseFields(lines)));
        }

        return fields;
    }

    /// <summary>
    /// protoc from the Grpc.Tools package the build restores; any version decodes raw wire data, so the first found will do.
    /// </summary>
    private static string Protoc()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string tools = Path.Combine(packages, "grpc.tools");
        string platform = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux_arm64" : "linux_x64";
        string? protoc = Directory.Exists(tools)
            ? Directory.EnumerateDirectories(tools).Select(version => Path.Combine(version, "tools", platform, "protoc")).FirstOrDefault(File.Exists)
            : null;
        return protoc ?? throw new InvalidOperationException(
            $"protoc not found at {tools}/*/tools/{platform}/protoc: build src/Shim first (it restores Grpc.Tools, which carries protoc)");
    }

    [GeneratedRegex(@"^(?<number>\d+)(?:: (?<value>.*)| \{)$")]
    private static partial Regex DecodedLine();

    /// <summary>One decoded field: its number and either its printed value or its own fields.</summary>
    private sealed record WireField(int Number, string? Value, IReadOnlyList<WireField> Fields)
    {
        /// <summary>Field numbers in wire order, a repeated field once.</summary>
        public int[] Numbers => [.. Fields.Select(f => f.Number).Distinct()];

        public WireField this[int number] => Assert.Single(Fields, f => f.Number == number);
    }
}
