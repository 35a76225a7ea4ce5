using AotShim.Shim.Storage;

namespace AotShim.Shim.Sandbox.Vm;

/// <summary>What the pod's first container says about the VM beyond the configuration: hostname, network namespace, cgroup path, volume settings.</summary>
public sealed record PodVmOptions(string Hostname, string? NetnsPath, string? CgroupsPath, VolumeSettings Volumes);
