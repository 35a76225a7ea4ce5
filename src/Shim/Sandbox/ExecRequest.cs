namespace AotShim.Shim.Sandbox;

/// <summary>An exec: its id, the OCI process spec as JSON (from the Any containerd sends), and its stdio.</summary>
public sealed record ExecRequest(string ExecId, ReadOnlyMemory<byte> ProcessSpecJson, ProcessStdio Stdio);
