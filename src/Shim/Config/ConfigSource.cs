namespace AotShim.Shim.Config;

/// <summary>Where a configuration path came from, in kata's precedence order.</summary>
public enum ConfigSource
{
    Annotation,
    ShimOption,
    Environment,
    Default,
}
