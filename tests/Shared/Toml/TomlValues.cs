using Tomlyn;
using Tomlyn.Model;

namespace AotShim.Testing;

/// <summary>Reads TOML untyped, so tests compare values without going through the product's own records.</summary>
internal static class TomlValues
{
    public static TomlTable Parse(string text) => TomlSerializer.Deserialize<TomlTable>(text)!;

    public static TomlTable Table(TomlTable root, string dottedName)
    {
        TomlTable table = root;
        foreach (string part in dottedName.Split('.'))
        {
            table = (TomlTable)table[part]!;
        }

        return table;
    }

    /// <summary>A canonical text form: strings quoted, arrays bracketed, numbers and booleans as TOML writes them.</summary>
    public static string Canonical(object? value) => value switch
    {
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        TomlArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        System.Collections.IEnumerable list => "[" + string.Join(",", list.Cast<object?>().Select(Canonical)) + "]",
        null => "null",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };
}
