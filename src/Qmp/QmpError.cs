namespace AotShim.Qmp;

/// <summary>The "error" member of a failed reply.</summary>
internal sealed record QmpError(string Class, string Desc);
