namespace AotShim.Qmp;

/// <summary>One query-memory-devices entry; Type is "dimm", "nvdimm", "virtio-mem", ...</summary>
public sealed record MemoryDeviceInfo(string Type, MemoryDeviceData Data);

/// <summary>The union of the members QEMU reports for dimms and virtio-mem; absent ones stay null.</summary>
public sealed record MemoryDeviceData(
    ulong Size,
    string Memdev,
    string? Id = null,
    int? Node = null,
    ulong? Addr = null,
    int? Slot = null,
    bool? Hotplugged = null,
    bool? Hotpluggable = null,
    ulong? Memaddr = null,
    ulong? RequestedSize = null,
    ulong? MaxSize = null);
