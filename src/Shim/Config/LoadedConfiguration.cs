namespace AotShim.Shim.Config;

/// <summary>A configuration as loaded: its values, the files it came from, and what was ignored on the way.</summary>
public sealed record LoadedConfiguration(Configuration Configuration, IReadOnlyList<string> Files, IReadOnlyList<string> Warnings);
