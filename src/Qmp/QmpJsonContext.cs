using System.Text.Json.Serialization;

namespace AotShim.Qmp;

/// <summary>Source-generated readers for what QEMU returns; QMP spells members in kebab-case.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(QmpGreeting))]
[JsonSerializable(typeof(QmpError))]
[JsonSerializable(typeof(QmpTimestamp))]
[JsonSerializable(typeof(QmpStatus))]
[JsonSerializable(typeof(HotpluggableCpu[]))]
[JsonSerializable(typeof(CpuInfo[]))]
[JsonSerializable(typeof(MemoryDeviceInfo[]))]
[JsonSerializable(typeof(string))]
internal sealed partial class QmpJsonContext : JsonSerializerContext;
