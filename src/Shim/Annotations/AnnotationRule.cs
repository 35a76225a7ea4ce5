using AotShim.Shim.Config;

namespace AotShim.Shim.Annotations;

/// <summary>How one annotation (named without its family prefix) changes the sandbox's configuration.</summary>
public sealed record AnnotationRule(string Name, Func<Configuration, AnnotationValue, Configuration> Apply);
