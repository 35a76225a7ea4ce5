using System.Runtime.InteropServices;

namespace AotShim.Native;

/// <summary>A descriptor the child receives at a chosen number; the parent keeps ownership of <paramref name="Source"/>.</summary>
public readonly record struct FdMapping(SafeHandle Source, int Target);
