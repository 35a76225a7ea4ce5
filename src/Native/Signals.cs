namespace AotShim.Native;

/// <summary>The signal numbers the project sends (asm-generic numbering, same on x86_64 and arm64).</summary>
public static class Signals
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
}
