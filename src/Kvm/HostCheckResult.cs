using System.Text.Json.Serialization;

namespace AotShim.Kvm;

/// <summary>One line of `ecr-runtime check`: what was checked, the verdict and why.</summary>
public sealed record HostCheckResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] CheckStatus Status,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("value")] string? Value = null)
{
    public static HostCheckResult Pass(string name, string reason, string? value = null) => new(name, CheckStatus.Pass, reason, value);

    public static HostCheckResult Warn(string name, string reason, string? value = null) => new(name, CheckStatus.Warn, reason, value);

    public static HostCheckResult Fail(string name, string reason, string? value = null) => new(name, CheckStatus.Fail, reason, value);
}
