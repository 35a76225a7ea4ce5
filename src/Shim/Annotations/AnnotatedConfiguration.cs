using AotShim.Shim.Config;

namespace AotShim.Shim.Annotations;

/// <summary>A sandbox's own configuration after its annotations, with the annotations that were ignored.</summary>
public sealed record AnnotatedConfiguration(Configuration Configuration, IReadOnlyList<string> Warnings);
