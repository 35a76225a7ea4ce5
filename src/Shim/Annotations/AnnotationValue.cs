using System.Text.Json;
using AotShim.Shim.Config;

namespace AotShim.Shim.Annotations;

/// <summary>One annotation's raw value with typed readers that follow Go's strconv rules, as kata parses them.</summary>
public readonly record struct AnnotationValue(string Annotation, string Raw)
{
    public bool Bool() => Raw switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => throw Refuse("expected a boolean (true/false/1/0)"),
    };

    public uint UInt32() => (uint)Unsigned(uint.MaxValue, "an unsigned 32-bit integer");

    public ulong UInt64() => Unsigned(ulong.MaxValue, "an unsigned 64-bit integer");

    public uint UInt32InRange(uint min, uint max, string unit = "")
    {
        uint value = UInt32();
        return value >= min && value <= max ? value : throw Refuse($"must be between {min}{unit} and {max}{unit}");
    }

    public string OneOf(string[] allowed) => allowed.Contains(Raw) ? Raw : throw Refuse("expected " + ConfigRules.OneOf(allowed));

    /// <summary>A host path allowed by a valid_* list: absolute, normalised, existing and matching one of its globs.</summary>
    public string AllowedPath(string listKey, IReadOnlyList<string> globs)
    {
        if (Raw.Length == 0)
        {
            return globs.Contains("") ? Raw : throw Refuse($"an empty path is not in {listKey}");
        }

        if (!Path.IsPathFullyQualified(Raw) || Path.GetFullPath(Raw) != Raw)
        {
            throw Refuse("must be an absolute path without '.' or '..' components");
        }

        string raw = Raw;
        if (!globs.Any(glob => PathGlob.IsMatch(glob, raw)))
        {
            throw Refuse(globs.Count == 0 ? $"{listKey} is empty, so this annotation cannot name a path" : $"not allowed by {listKey} [{string.Join(", ", globs)}]");
        }

        return File.Exists(Raw) || Directory.Exists(Raw) ? Raw : throw Refuse("the path does not exist");
    }

    /// <summary>An absolute path inside the guest: nothing on the host to check beyond its form.</summary>
    public string GuestPath() =>
        Path.IsPathFullyQualified(Raw) ? Raw : throw Refuse("must be an absolute path in the guest");

    /// <summary>A JSON array of strings, kata's encoding of list-valued annotations.</summary>
    public IReadOnlyList<string> JsonStringArray()
    {
        var items = new List<string>();
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(Raw));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw Refuse("expected a JSON array of strings, e.g. [\"--thread-pool-size=1\"]");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                items.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Refuse("every element of the JSON array must be a string"));
            }

            if (reader.TokenType != JsonTokenType.EndArray || reader.Read())
            {
                throw Refuse("expected a single JSON array of strings");
            }
        }
        catch (JsonException e)
        {
            throw Refuse("invalid JSON: " + e.Message);
        }

        return items;
    }

    public AnnotationException Refuse(string reason) => new(Annotation, Raw, reason);

    private ulong Unsigned(ulong max, string what)
    {
        if (Raw.Length == 0 || Raw.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            throw Refuse($"expected {what}");
        }

        return ulong.TryParse(Raw, out ulong value) && value <= max ? value : throw Refuse($"out of range for {what}");
    }
}
