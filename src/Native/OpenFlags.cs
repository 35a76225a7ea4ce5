namespace AotShim.Native;

/// <summary>open(2) flags with their Linux values (identical on x86_64 and arm64 for these).</summary>
[Flags]
public enum OpenFlags
{
    ReadOnly = 0,
    WriteOnly = 1,
    ReadWrite = 2,
    NonBlock = 0x800,
    CloseOnExec = 0x80000,
}
