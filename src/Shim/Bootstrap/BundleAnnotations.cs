using System.Text.Json;

namespace AotShim.Shim.Bootstrap;

/// <summary>The annotations of a bundle's config.json, read without a reflection serializer.</summary>
public static class BundleAnnotations
{
    public const string CriContainerType = "io.kubernetes.cri.container-type";
    public const string CriSandboxId = "io.kubernetes.cri.sandbox-id";

    public static IReadOnlyDictionary<string, string> Read(string bundle)
    {
        string path = Path.Combine(bundle, "config.json");
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(File.ReadAllBytes(path));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException($"{path}: not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isAnnotations = reader.ValueTextEquals("annotations"u8);
                reader.Read();
                if (!isAnnotations || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string key = reader.GetString()!;
                    reader.Read();
                    annotations[key] = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()!
                        : throw new InvalidDataException($"{path}: annotation {key} is not a string");
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        return annotations;
    }

    /// <summary>The shim id that serves this container: the pod's sandbox id for a CRI container, else its own id.</summary>
    public static string ShimIdFor(string containerId, IReadOnlyDictionary<string, string> annotations) =>
        annotations.GetValueOrDefault(CriContainerType) == "container" && annotations.TryGetValue(CriSandboxId, out string? sandbox) && sandbox.Length > 0
            ? sandbox
            : containerId;
}
