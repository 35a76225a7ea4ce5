namespace AotShim.Shim.Sandbox.Vm;

/// <summary>What the pod's first container says about the VM beyond the configuration: its hostname and network namespace.</summary>
public sealed record PodVmOptions(string Hostname, string? NetnsPath);
