namespace AotShim.Shim.Sandbox;

/// <summary>containerd's stdio for a process: fifo paths (empty when unused) and whether it has a terminal.</summary>
public sealed record ProcessStdio(string Stdin, string Stdout, string Stderr, bool Terminal);
