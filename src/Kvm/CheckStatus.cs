using System.Text.Json.Serialization;

namespace AotShim.Kvm;

public enum CheckStatus
{
    [JsonStringEnumMemberName("pass")]
    Pass,
    [JsonStringEnumMemberName("warn")]
    Warn,
    [JsonStringEnumMemberName("fail")]
    Fail,
}
