namespace AotShim.Shim.Config;

/// <summary>One invalid value: the table and key it lives under, and what is wrong with it.</summary>
public sealed record ConfigProblem(string Table, string Key, string Message);
