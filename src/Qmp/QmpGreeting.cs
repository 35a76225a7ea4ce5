namespace AotShim.Qmp;

/// <summary>The {"QMP": {...}} object QEMU sends first on every connection.</summary>
public sealed record QmpGreeting(QmpVersion Version, IReadOnlyList<string> Capabilities);

/// <summary>QEMU's version as the greeting reports it; Package is the distribution's build string.</summary>
public sealed record QmpVersion(QmpVersionNumbers Qemu, string Package);

public sealed record QmpVersionNumbers(int Major, int Minor, int Micro)
{
    public override string ToString() => $"{Major}.{Minor}.{Micro}";
}
