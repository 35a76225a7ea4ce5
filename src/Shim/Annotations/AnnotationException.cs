namespace AotShim.Shim.Annotations;

/// <summary>A sandbox annotation that is refused; the message names the annotation and its value.</summary>
public sealed class AnnotationException(string annotation, string value, string reason)
    : Exception($"annotation {annotation}=\"{value}\": {reason}")
{
    public string Annotation { get; } = annotation;

    public string Value { get; } = value;
}
